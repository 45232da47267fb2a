/**
 * The fake exchange's own cost, to subtract from engine latency numbers measured against it:
 * ccxt round trips of signed order calls on 127.0.0.1, and the lazy limit matcher when the clock
 * jumps. Run: npx tsx tools/testing/bench/bench-fake-orders.ts
 */
import ccxt from 'ccxt';
import { ccxtBinanceConfig, startFakeExchange } from '../src/fake-exchange.js';

const NOW = Date.UTC(2025, 0, 10, 13);
const HOUR = 3_600_000;
const ORDERS = 1_000;

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const ms = (n: number) => Number(n.toFixed(2));

const fake = await startFakeExchange({ now: NOW, balances: { USDT: 1e9 } });
const rows: Record<string, string | number>[] = [];
try {
  const ex = new ccxt.binance(ccxtBinanceConfig(fake, { enableRateLimit: false }) as ConstructorParameters<typeof ccxt.binance>[0]);
  await ex.loadMarkets();

  const timed = async (name: string, n: number, call: (i: number) => Promise<unknown>) => {
    const samples: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await call(i);
      samples.push(performance.now() - t);
    }
    rows.push({ operation: name, n, 'p50 ms': ms(percentile(samples, 50)), 'p99 ms': ms(percentile(samples, 99)), 'max ms': ms(Math.max(...samples)) });
  };

  // Warm-up (JIT, keep-alive socket), not reported.
  for (let i = 0; i < 50; i++) await ex.createOrder('BTC/USDT', 'market', 'buy', 0.001);
  await timed('createOrder market (FULL answer)', ORDERS, (i) => ex.createOrder('BTC/USDT', 'market', 'buy', 0.001, undefined, { clientOrderId: `bench-${i}` }));
  await timed('fetchOrder by client id', ORDERS, (i) => ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: `bench-${i}` }));
  await timed('fetchBalance', 200, () => ex.fetchBalance());

  // 200 resting limits far below the market, then the clock walks a day in 1h steps: each step
  // scans 60 new minutes per open order.
  for (let i = 0; i < 200; i++) await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 5_000 + i, { clientOrderId: `rest-${i}` });
  const steps: number[] = [];
  for (let h = 1; h <= 24; h++) {
    const t = performance.now();
    fake.setNow(NOW + h * HOUR);
    steps.push(performance.now() - t);
  }
  rows.push({ operation: 'setNow +1h with 200 open limits (match scan)', n: steps.length, 'p50 ms': ms(percentile(steps, 50)), 'p99 ms': ms(percentile(steps, 99)), 'max ms': ms(Math.max(...steps)) });
} finally {
  await fake.stop();
}
console.log(`fake exchange on 127.0.0.1, ccxt ${ccxt.version} binance, rate limiter off, sequential calls`);
console.table(rows);

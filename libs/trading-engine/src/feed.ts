import type { Exchange } from 'ccxt';
import { checkRows, closedBefore, rowsToColumns, TIMEFRAME_MS, type CandleColumns, type OhlcvRow, type Timeframe } from '@tradai/market-data';
import type { RetryOptions } from '@tradai/market-data';
import { retrying } from './exchange.js';

/** Candles of one symbol as a bot sees them at `now`. */
export interface RecentCandles {
  /** Closed candles opening at or after `since`, ascending. */
  readonly closed: CandleColumns;
  /** The candle forming at `now` (its open is the price a signal of the last closed candle fills at). */
  readonly forming?: { readonly time: number; readonly open: number };
}

/** Where a bot gets candles (the ccxt feed; tests may pass another). */
export interface CandleFeed {
  recent(symbol: string, timeframe: Timeframe, since: number, now: number): Promise<RecentCandles>;
}

const PAGE = 1000;

/**
 * Candles through ccxt's unified `fetchOHLCV` on the bot's exchange object: closed candles since
 * `since` (paginated), plus the candle forming at `now`, checked like the market-data source checks
 * them (a malformed row fails the fetch, naming the row).
 */
export function ccxtFeed(exchange: Exchange, retry: RetryOptions = {}): CandleFeed {
  let markets: Promise<unknown> | undefined;
  return {
    async recent(symbol, timeframe, since, now) {
      markets ??= retrying(() => exchange.loadMarkets(), retry).catch((e: unknown) => {
        markets = undefined;
        throw e;
      });
      await markets;
      const step = TIMEFRAME_MS[timeframe];
      const formingAt = closedBefore(timeframe, now);
      const rows: number[][] = [];
      let from = Math.ceil(since / step) * step;
      while (from <= formingAt) {
        const limit = Math.min(PAGE, Math.floor((formingAt - from) / step) + 1);
        const page = (await retrying(() => exchange.fetchOHLCV(symbol, timeframe, from, limit), retry)) as OhlcvRow[];
        const { kept, problem } = checkRows(page, timeframe, from, formingAt + step);
        if (problem) throw new Error(`${exchange.id} ${symbol} ${timeframe}: ${problem}`);
        rows.push(...kept);
        if (page.length === 0) break;
        const last = page[page.length - 1]![0] as number;
        if (last < from) break;
        from = last + step;
      }
      const formingRow = rows.find((r) => r[0] === formingAt);
      const closed = rowsToColumns(rows.filter((r) => r[0]! < formingAt));
      return { closed, ...(formingRow ? { forming: { time: formingAt, open: formingRow[1]! } } : {}) };
    },
  };
}

/**
 * A feed over candles already in memory (a replay, the Lambda tests): at `now`, the candles that
 * closed by then and the one forming, exactly as the exchange would serve them.
 */
export function columnsFeed(candles: Readonly<Record<string, CandleColumns>>): CandleFeed {
  return {
    async recent(symbol, timeframe, since, now) {
      const c = candles[symbol];
      if (!c) throw new Error(`replay feed has no candles of ${symbol}`);
      const formingAt = closedBefore(timeframe, now);
      const rows: number[][] = [];
      let forming: RecentCandles['forming'];
      for (let i = 0; i < c.length; i++) {
        const t = c.timestamp[i]!;
        if (t === formingAt) forming = { time: t, open: c.open[i]! };
        if (t >= since && t < formingAt) rows.push([t, c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!]);
      }
      return { closed: rowsToColumns(rows), ...(forming ? { forming } : {}) };
    },
  };
}

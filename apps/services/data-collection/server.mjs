// Image shell of this service: serves the health path the ALB, Cloud Map and health-check Lambda
// probe (port/path from SERVICE_PORT/HEALTH_PATH, set by the compute stack). The application
// itself is not in this repository yet; this keeps the image, its tag and its wiring real.
import { createServer } from 'node:http';

const port = Number(process.env.SERVICE_PORT ?? 8000);
const healthPath = process.env.HEALTH_PATH ?? '/health';
const service = process.env.SERVICE_NAME ?? 'unknown';

createServer((req, res) => {
  const ok = req.url === healthPath;
  res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
  res.end(JSON.stringify(ok ? { status: 'ok', service } : { error: `no route ${req.url}` }));
}).listen(port, '0.0.0.0');

// `tideline coordinator` entry: configuration from the environment.
import { startCoordinator } from "./server";

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  process.stderr.write("DATABASE_URL is required (or use `tideline start` for the embedded default)\n");
  process.exit(2);
}
const running = await startCoordinator({
  databaseUrl,
  port: Number(process.env.TIDELINE_COORDINATOR_PORT ?? process.env.PORT ?? 7400),
  host: process.env.TIDELINE_COORDINATOR_HOST ?? "127.0.0.1",
  id: process.env.TIDELINE_COORDINATOR_ID,
  tls: process.env.TIDELINE_TLS_CERT && process.env.TIDELINE_TLS_KEY ? { certFile: process.env.TIDELINE_TLS_CERT, keyFile: process.env.TIDELINE_TLS_KEY, caFile: process.env.TIDELINE_TLS_CA } : undefined,
}).catch((err: Error & { code?: string }) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(err.code === "TLS_REQUIRED" ? 2 : 1);
});
process.stdout.write(`${JSON.stringify({ event: "listening", url: running.url, id: running.id })}\n`);
const stop = () => void running.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

// The floor for probe latency: a Node HTTP server that answers a constant, nothing else.
import http from "node:http";
const body = JSON.stringify({ verdict: "pass" });
http
  .createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  })
  .listen(Number(process.env.PORT), "127.0.0.1");

# A stand-in answering txt2img with 4 noise PNGs of 1024x1024 (incompressible: the worst case for the bound).
import base64, json, os, struct, zlib, http.server, sys
def png(w, h):
    raw = b"".join(b"\x00" + os.urandom(w * 3) for _ in range(h))
    def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b"")
images = [base64.b64encode(png(1024, 1024)).decode() for _ in range(4)]
answer = json.dumps({"images": images, "parameters": {}, "info": json.dumps({"all_seeds": [1, 2, 3, 4], "index_of_first_image": 0})}).encode()
print("answer bytes", len(answer), file=sys.stderr)
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def send(self, body):
        self.send_response(200); self.send_header("Content-Type", "application/json"); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def do_GET(self): self.send(b'{"progress": 0, "state": {"job": "", "job_count": 0, "job_timestamp": "0"}, "current_image": null}')
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0))); self.send(answer)
http.server.ThreadingHTTPServer(("127.0.0.1", 17861), H).serve_forever()

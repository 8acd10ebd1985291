"""A mail server on loopback for tests: refuses the first N connections, then takes mail.

    with FakeSMTPServer(port, refuse=1) as smtp:
        ...  # send mail to 127.0.0.1:port
        smtp.messages  # [(mail_from, [rcpt, …], raw message bytes)]

A refused connection is greeted with "421 try again later" and closed, as a mail server
under load or in maintenance does; smtplib raises SMTPConnectError.
"""

import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        server = self.server.fake
        with server.lock:
            server.connections += 1
            refuse = server.connections <= server.refuse
        if refuse:
            self.reply("421 fake.example try again later")
            return
        self.reply("220 fake.example ESMTP")
        mail_from, rcpts = "", []
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in {"EHLO", "HELO"}:
                self.reply("250 fake.example")
            elif verb == "MAIL":
                mail_from, rcpts = command.split(":", 1)[1].strip(" <>"), []
                self.reply("250 OK")
            elif verb == "RCPT":
                rcpts.append(command.split(":", 1)[1].strip(" <>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 go ahead")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                with server.lock:
                    server.messages.append((mail_from, rcpts, data))
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class FakeSMTPServer:
    def __init__(self, port: int, *, refuse: int = 0):
        self.port = port
        self.refuse = refuse
        self.connections = 0
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.lock = threading.Lock()

    def __enter__(self) -> "FakeSMTPServer":
        self._server = _Server(("127.0.0.1", self.port), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

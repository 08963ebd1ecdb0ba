"""A client that closes with data it never read: its kernel answers with a reset (RST).

Lesson 5, "The four-way close". It sends one message, waits until the echo has arrived
(select says the socket is readable), and closes without reading it. The unread bytes
turn the close into an abort: no FIN, an RST.

    python3 docs/py/reset_client.py 127.0.0.1:8888
"""

import select
import socket
import sys

host, port = sys.argv[1].rsplit(":", 1)
s = socket.create_connection((host, int(port)))
s.sendall(b"hello")
select.select([s], [], [])  # the echo is in our receive buffer now, unread
s.close()
print("closed with 5 bytes unread")

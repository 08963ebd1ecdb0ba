"""What socket.socket(FAMILY, TYPE) asks the kernel for, and which protocol it chooses.

Lesson 5, "What a socket is". The third argument of socket.socket, proto, is left at its
default, 0: "the usual protocol for this family and type". SO_PROTOCOL (Linux) asks the
kernel which one it chose.
"""

import socket

NAMES = {0: "no network protocol: a local socket", 6: "TCP", 17: "UDP"}

for family, kind in [
    (socket.AF_INET, socket.SOCK_STREAM),
    (socket.AF_INET, socket.SOCK_DGRAM),
    (socket.AF_UNIX, socket.SOCK_STREAM),
    (socket.AF_UNIX, socket.SOCK_DGRAM),
]:
    with socket.socket(family, kind) as s:
        proto = s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL)
        print(f"socket({family.name}, {kind.name}):".ljust(32), f"protocol {proto}, {NAMES[proto]}")

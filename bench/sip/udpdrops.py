#!/usr/bin/env python3
"""UDP datagrams each benchmark socket dropped so far (receive buffer full), for bench/run.sh.

udpdrops.py PORT... prints {"PORT": drops} from `ss -uanm` (the d counter of skmem) for the sockets bound to
127.0.0.1 on those ports.
"""
import json
import re
import subprocess
import sys

ports = set(sys.argv[1:])
out = subprocess.run(["ss", "-uanmH"], capture_output=True, text=True).stdout
drops, port = {}, None
for line in out.splitlines():
    m = re.search(r"127\.0\.0\.1:(\d+)\s", line)
    if m:
        port = m.group(1) if m.group(1) in ports else None
    d = re.search(r"skmem:\(.*\bd(\d+)\)", line)
    if d and port:
        drops[port] = drops.get(port, 0) + int(d.group(1))
        port = None
print(json.dumps(drops, sort_keys=True))

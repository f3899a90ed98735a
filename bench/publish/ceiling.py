#!/usr/bin/env python3
"""The ceiling of the server with nats-py, `nats bench --js --pub` style (bench/publish/run.sh runs it).

Publishes the bodies of the `cdr` chain under DATA (the lines of DATA/cdr/*.jsonl in seq order, without the
newline: exactly what the node publishes) to a fresh JetStream stream created like the node creates its stream
(file storage, subjects sipswarm.*.cdr, a 600 s duplicate window), as fast as nats-py can: pipelined
`publish_async` with up to PENDING publishes awaiting their PubAck, each with `Nats-Msg-Id: bench.cdr.<seq>`
unless --no-msg-id. Reading the files is not timed. Prints one JSON result line; deletes the stream.
"""
import argparse
import asyncio
import json
import os
import sys
import time

import nats
from nats.js.api import StorageType, StreamConfig


def chain_bodies(data):
    directory = os.path.join(data, "cdr")
    files = []
    for name in os.listdir(directory):
        if not name.endswith(".jsonl") or name.startswith("."):
            continue
        with open(os.path.join(directory, name), "rb") as handle:
            lines = handle.read().split(b"\n")
        lines = [line for line in lines if line]
        if lines:
            files.append((json.loads(lines[0])["seq"], lines))
    bodies = []
    for _, lines in sorted(files):
        bodies.extend(lines)
    for index, body in enumerate(bodies, start=1):
        record = json.loads(body)
        if record["seq"] != index:
            sys.exit(f"chain seq {record['seq']} where {index} was expected")
    return [(body, f"{json.loads(body)['node']}.cdr.{index}") for index, body in enumerate(bodies, start=1)]


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("url")
    parser.add_argument("stream")
    parser.add_argument("--pending", type=int, default=4000, help="publish_async_max_pending (nats-py's default 4000)")
    parser.add_argument("--no-msg-id", action="store_true")
    args = parser.parse_args()

    messages = chain_bodies(args.data)
    nc = await nats.connect(args.url, name="publish-bench-nats-py")
    js = nc.jetstream(publish_async_max_pending=args.pending)
    await js.add_stream(StreamConfig(
        name=args.stream, subjects=["sipswarm.*.cdr"], storage=StorageType.FILE, num_replicas=1, duplicate_window=600.0,
    ))
    subject = "sipswarm.bench.cdr"
    start = time.perf_counter()
    futures = []
    for body, message_id in messages:
        headers = None if args.no_msg_id else {"Nats-Msg-Id": message_id}
        futures.append(await js.publish_async(subject, body, headers=headers))
    results = await asyncio.wait_for(asyncio.gather(*futures, return_exceptions=True), timeout=600)
    elapsed = time.perf_counter() - start
    acked = sum(1 for result in results if not isinstance(result, BaseException))
    info = await js.stream_info(args.stream)
    stored = info.state.messages
    await js.delete_stream(args.stream)
    await nc.close()
    ok = acked == len(messages) and stored == len(messages)
    print(json.dumps({
        "mode": "nats-py" + ("-no-msg-id" if args.no_msg_id else ""), "n": len(messages), "seconds": elapsed,
        "rate": len(messages) / elapsed, "in_flight": args.pending, "messages": stored, "ok": ok,
    }, sort_keys=True), flush=True)
    if not ok:
        sys.exit(f"nats-py run: {acked} acked, stream holds {stored}")


asyncio.run(main())

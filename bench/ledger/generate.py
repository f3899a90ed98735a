#!/usr/bin/env python3
"""Write a synthetic SIPswarm data directory for benchmarking `sipswarm verify`.

    python3 bench/ledger/generate.py DATA_DIR [--cdr N] [--attempt M] [--checkpoint-every K] [--file-records F]

Records follow docs/ledger-format.md exactly: canonical JSON lines, one chain per kind
(cdr, attempt, audit, checkpoint), seq/prev_hash/hash, RFC 9162 roots in signed checkpoints.
CDR lines have the members of the example in docs/cdr-format.md with shorter legs (~700 bytes). Standard library only; the
Ed25519 signer is the RFC 8032 code in examples/verify_ledger.py (signing is only needed for
the handful of checkpoints). The key pair is written to DATA/keys like a node would.
"""
import argparse
import base64
import hashlib
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples"))
import verify_ledger as reference  # noqa: E402  (canonical(), ed25519_sign())

NODE = "bench1"
GENESIS = "0" * 64


def sha256(data):
    return hashlib.sha256(data).digest()


class Tree:
    """RFC 9162 root over appended leaves, O(log n) state (a compact range)."""

    def __init__(self):
        self.stack, self.size = [], 0

    def append(self, record_hash_bytes):
        height, node = 0, sha256(b"\x00" + record_hash_bytes)
        while self.stack and self.stack[-1][0] == height:
            node = sha256(b"\x01" + self.stack.pop()[1] + node)
            height += 1
        self.stack.append((height, node))
        self.size += 1

    def root(self):
        if not self.stack:
            return sha256(b"")
        root = self.stack[-1][1]
        for _, left in reversed(self.stack[:-1]):
            root = sha256(b"\x01" + left + root)
        return root


class Chain:
    """One kind's chain: files of at most `file_records` lines, seq, prev_hash, Merkle tree."""

    def __init__(self, root, kind, file_records):
        self.kind, self.seq, self.last, self.tree = kind, 0, GENESIS, Tree()
        self.dir = os.path.join(root, kind)
        os.makedirs(self.dir, exist_ok=True)
        self.file_records, self.handle, self.in_file, self.files = file_records, None, 0, 0

    def write(self, before_hash, after_hash):
        """Append a record given as its canonical text split where `"hash":"…"` belongs.

        `before_hash` ends just before the hash member and `after_hash` starts with the member that
        follows it (or is "}"), so the text without hash is before_hash + after_hash. The caller
        includes node, kind, seq and prev_hash (from `next_fields()`) in sorted position.
        """
        if before_hash.endswith("{"):
            unhashed = before_hash + after_hash.lstrip(",")
        else:
            unhashed = before_hash + after_hash
        digest = sha256(unhashed.encode("utf-8"))
        hex_hash = digest.hex()
        if before_hash.endswith("{"):
            line = before_hash + '"hash":"' + hex_hash + '"' + after_hash
        else:
            line = before_hash + ',"hash":"' + hex_hash + '"' + after_hash
        if self.handle is None or self.in_file == self.file_records:
            if self.handle:
                self.handle.close()
            self.files += 1
            # Names sort in reverse chain order on purpose: verifiers must order files by first seq.
            name = f"{self.kind}-{NODE}-{99999 - self.files:05d}.jsonl"
            self.handle = open(os.path.join(self.dir, name), "w", encoding="utf-8", buffering=1 << 20)
            self.in_file = 0
        self.handle.write(line + "\n")
        self.in_file += 1
        self.tree.append(digest)
        self.last = hex_hash

    def next_fields(self):
        self.seq += 1
        return self.seq, self.last

    def close(self):
        if self.handle:
            self.handle.close()


def cdr_parts(seq, prev, index):
    """A CDR shaped like docs/cdr-format.md's example, split around the hash member."""
    setup = 1709294400000000 + index * 1_000_000
    uid = hashlib.md5(str(index).encode()).hexdigest()
    rid = f"{uid[:8]}-{uid[8:12]}-4{uid[13:16]}-8{uid[17:20]}-{uid[20:32]}"
    # The same members as the example, with shorter leg objects: about 700 bytes a line.
    before = (
        '{"a_leg":{"call_id":"%d-2345@127.0.0.1","remote_tag":"%dSIPpTag001"},"ack_us":%d,"answer_us":%d,"attempts":1,'
        '"b_leg":{"call_id":"n1b-%d","remote_tag":"p1tag%d"},'
        '"customer_id":"c1","duration_ms":%d,"end_us":%d,"final_code":200,"final_reason":"OK",'
        '"first_provisional_us":%d,"first_ringing_us":%d'
    ) % (index, index, setup + 351_500, setup + 350_000, index, index,
         30000 + index % 1000, setup + 30_350_000 + (index % 1000) * 1000, setup + 2000, setup + 300_000)
    after = (
        ',"id":"%s","kind":"cdr","node":"%s","pdd_ms":300,"prev_hash":"%s","provider_id":"p1","q850_cause":16,'
        '"release_cause":"normal","released_by":"customer","seq":%d,"service":"voice",'
        '"session_id":"%s-%09d","setup_us":%d}'
    ) % (rid, NODE, prev, seq, NODE, index, setup)
    return before, after


def attempt_parts(seq, prev, index):
    uid = hashlib.md5(b"a" + str(index).encode()).hexdigest()
    rid = f"{uid[:8]}-{uid[8:12]}-4{uid[13:16]}-8{uid[17:20]}-{uid[20:32]}"
    start = 1709294400001200 + index * 1_000_000
    before = (
        '{"attempt":1,"b_call_id":"n1b-%d","cdr_id":"%s","destination":"udp:127.0.0.1:5080","end_us":%d'
    ) % (index, rid, start + 2_000_000)
    after = (
        ',"id":"%s","kind":"attempt","node":"%s","outcome":"answered","prev_hash":"%s","provider_id":"p1",'
        '"reason":"OK","response_code":200,"seq":%d,"session_id":"%s-%09d","start_us":%d}'
    ) % (rid, NODE, prev, seq, NODE, index, start)
    return before, after


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir")
    parser.add_argument("--cdr", type=int, default=800_000)
    parser.add_argument("--attempt", type=int, default=200_000)
    parser.add_argument("--checkpoint-every", type=int, default=100_000, help="cdr records between checkpoints")
    parser.add_argument("--file-records", type=int, default=250_000, help="records per file")
    args = parser.parse_args()

    root = args.data_dir
    if os.path.exists(root) and os.listdir(root):
        sys.exit(f"{root} exists and is not empty")
    os.makedirs(os.path.join(root, "keys"), exist_ok=True)
    seed = os.urandom(32)
    public, _ = reference.ed25519_sign(seed, b"")
    with open(os.path.join(root, "keys", "node-ed25519.key"), "w") as handle:
        os.chmod(handle.name, 0o600)
        handle.write(base64.b64encode(seed).decode() + "\n")
    with open(os.path.join(root, "keys", "node-ed25519.pub"), "w") as handle:
        handle.write(base64.b64encode(public).decode() + "\n")
    public_b64 = base64.b64encode(public).decode()

    cdr = Chain(root, "cdr", args.file_records)
    attempt = Chain(root, "attempt", args.file_records)
    audit = Chain(root, "audit", args.file_records)
    checkpoint = Chain(root, "checkpoint", args.file_records)
    time_us = 1709294400000000

    seq, prev = audit.next_fields()
    audit.write('{"event":"node_started"', ',"kind":"audit","node":"%s","prev_hash":"%s","seq":%d,"time_us":%d,"version":"bench"}'
                % (NODE, prev, seq, time_us))

    def write_checkpoint():
        heads = {c.kind: {"root": c.tree.root().hex(), "size": c.tree.size} for c in (cdr, attempt, audit)}
        seq, prev = checkpoint.next_fields()
        obj = {"chains": heads, "kind": "checkpoint", "node": NODE, "prev_hash": prev, "public_key": public_b64,
               "seq": seq, "time_us": time_us + seq * 60_000_000}
        obj["signature"] = base64.b64encode(reference.ed25519_sign(seed, reference.canonical(obj))[1]).decode()
        text = reference.canonical(obj).decode("utf-8")
        # "hash" sorts between "chains" and "kind".
        split = text.index(',"kind":')
        checkpoint.write(text[:split], text[split:])

    attempts_per_cdr = args.attempt / args.cdr if args.cdr else 0
    written_attempts = 0
    for index in range(1, args.cdr + 1):
        seq, prev = cdr.next_fields()
        cdr.write(*cdr_parts(seq, prev, index))
        while written_attempts < int(index * attempts_per_cdr):
            written_attempts += 1
            seq, prev = attempt.next_fields()
            attempt.write(*attempt_parts(seq, prev, written_attempts))
        if index % args.checkpoint_every == 0 or index == args.cdr:
            write_checkpoint()
    for chain in (cdr, attempt, audit, checkpoint):
        chain.close()
    total = cdr.seq + attempt.seq + audit.seq + checkpoint.seq
    print(f"wrote {total} records ({cdr.seq} cdr, {attempt.seq} attempt, {audit.seq} audit, {checkpoint.seq} checkpoint) to {root}")


if __name__ == "__main__":
    main()

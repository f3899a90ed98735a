#!/usr/bin/env python3
"""Verify a SIPswarm data directory, independently of the node's Swift code.

    python3 examples/verify_ledger.py DATA_DIR     exit 0 and a summary when intact,
                                                  exit 1 and "file:line: kind seq N: what" when not
    python3 examples/verify_ledger.py --self-test  checks this script against RFC vectors

It does exactly what docs/ledger-format.md ("What verification checks") says, with the Python
standard library only. The standard library has no Ed25519, so RFC 8032 verification is below
in plain integer arithmetic (slow but short: ~3 ms per checkpoint signature).
"""
import base64
import hashlib
import json
import os
import sys

GENESIS = "0" * 64
NOT_CHAINS = {"keys", "quarantine"}  # folders of a data directory that hold no chain


class Broken(Exception):
    """The first broken place: where it is and what is wrong."""

    def __init__(self, where, kind, seq, what):
        super().__init__(f"{where}: {kind} seq {seq if seq is not None else '?'}: {what}")


# --- Canonical JSON (RFC 8785 for the records' subset) -------------------------------------
# json.dumps with these options writes what RFC 8785 writes for objects, arrays, strings,
# integers and booleans: no whitespace; \" \\ \b \f \n \r \t, other controls as lower-case
# \u00xx, everything else (including "/", DEL, U+2028, non-BMP) as literal UTF-8.
# Where it would NOT hold, and why that is fine here:
# - floats: JCS uses ECMAScript number formatting (1e+21, 0.1); Python writes repr(). Records
#   have none, so a fraction or exponent is rejected outright.
# - integers beyond +-(2^53 - 1): JCS would round them through a double; records stay below.
# - key order: Python sorts by code point, JCS by UTF-16 code unit. They differ only when one
#   key has a non-BMP character where another has U+E000..U+FFFF; record keys are ASCII.
# - lone surrogates ("\ud800") parse in Python but are not valid UTF-8: reported as broken.

def _no_float(text):
    raise ValueError(f"number {text} is not an integer")


def parse(line):
    """The object on one line; ValueError when it is not JSON without floats."""
    return json.loads(line.decode("utf-8"), parse_float=_no_float, parse_constant=_no_float)


def canonical(value):
    """Canonical UTF-8 bytes of a parsed value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256(data):
    return hashlib.sha256(data).digest()


def record_hash(obj):
    """SHA-256 hex of the canonical JSON of a record without its `hash` field."""
    return sha256(canonical({k: v for k, v in obj.items() if k != "hash"})).hex()


# --- RFC 9162 Merkle tree hash --------------------------------------------------------------

def merkle_roots(leaves, sizes):
    """{size: MTH(leaves[0:size])} for each wanted size, in one pass with a compact range."""
    roots = {0: sha256(b"")} if 0 in sizes else {}
    stack = []  # (height, hash) of perfect subtrees, left to right, heights decreasing
    for count, leaf in enumerate(leaves, start=1):
        height, node = 0, sha256(b"\x00" + leaf)
        while stack and stack[-1][0] == height:
            node = sha256(b"\x01" + stack.pop()[1] + node)
            height += 1
        stack.append((height, node))
        if count in sizes:
            root = stack[-1][1]
            for _, left in reversed(stack[:-1]):
                root = sha256(b"\x01" + left + root)
            roots[count] = root
    return roots


# --- RFC 8032 Ed25519 (verification; signing only for the self-test) -------------------------
P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def _add(a, b):  # extended coordinates (X, Y, Z, T), RFC 8032 section 5.1.4
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    e, f = (y1 - x1) * (y2 - x2) % P, (y1 + x1) * (y2 + x2) % P
    g, h = 2 * t1 * D * t2 % P, 2 * z1 * z2 % P
    e, f, g, h = f - e, h - g, h + g, f + e
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _mul(scalar, point):
    result = (0, 1, 1, 0)
    while scalar:
        if scalar & 1:
            result = _add(result, point)
        point, scalar = _add(point, point), scalar >> 1
    return result


def _equal(a, b):
    return (a[0] * b[2] - b[0] * a[2]) % P == 0 and (a[1] * b[2] - b[1] * a[2]) % P == 0


def _decode(data):
    """The point encoded in 32 bytes, or None (RFC 8032 section 5.1.3)."""
    y = int.from_bytes(data, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P or (x == 0 and sign):
        return None
    if x & 1 != sign:
        x = P - x
    return (x, y, 1, x * y % P)


def _encode(point):
    zinv = pow(point[2], P - 2, P)
    x, y = point[0] * zinv % P, point[1] * zinv % P
    return (y | (x & 1) << 255).to_bytes(32, "little")


BASE = _decode((4 * pow(5, P - 2, P) % P).to_bytes(32, "little"))


def ed25519_verify(public_key, message, signature):
    """RFC 8032 section 5.1.7: [S]B == R + [SHA-512(R || A || M)]A."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a, r = _decode(public_key), _decode(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= L:
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % L
    return _equal(_mul(s, BASE), _add(r, _mul(k, a)))


def ed25519_sign(seed, message):
    """(public key, signature) for a 32-byte seed: RFC 8032 section 5.1.6. Self-test only."""
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little") & ((1 << 254) - 8) | (1 << 254)
    public = _encode(_mul(a, BASE))
    r = int.from_bytes(hashlib.sha512(h[32:] + message).digest(), "little") % L
    big_r = _encode(_mul(r, BASE))
    k = int.from_bytes(hashlib.sha512(big_r + public + message).digest(), "little") % L
    return public, big_r + ((r + k * a) % L).to_bytes(32, "little")


# --- Reading the chains (checks 1 and 2) ------------------------------------------------------

def is_hex64(value):
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def check_line(where, line, kind):
    """Check 1 for one line: a canonical JSON object with the chain fields; returns it."""
    try:
        obj = parse(line)
        same = isinstance(obj, dict) and canonical(obj) == line
    except (ValueError, UnicodeError) as error:
        raise Broken(where, kind, None, f"not a JSON record: {error}")
    if not isinstance(obj, dict):
        raise Broken(where, kind, None, "not a JSON object")
    seq = obj.get("seq") if type(obj.get("seq")) is int else None
    if not same:
        raise Broken(where, kind, seq, "not canonical JSON")
    for field, ok in (("node", isinstance(obj.get("node"), str)), ("kind", obj.get("kind") == kind),
                      ("seq", seq is not None), ("prev_hash", is_hex64(obj.get("prev_hash"))),
                      ("hash", is_hex64(obj.get("hash")))):
        if not ok:
            raise Broken(where, kind, seq, f"field {field} missing or wrong")
    return obj


MANIFEST_SUFFIX = ".jsonl.manifest.json"
MANIFEST_FORMAT = "sipswarm-file-manifest-1"


def check_manifest(root, relative, kind, file_name, records, first_prev_hash, data):
    """Check 6: a closed file's manifest states exactly what the file holds."""
    def fail(what):
        return Broken(relative, kind, None, f"manifest: {what}")
    with open(os.path.join(root, relative), "rb") as handle:
        text = handle.read()
    if not text.endswith(b"\n"):
        raise fail("does not end with a newline")
    try:
        obj = parse(text[:-1])
    except (ValueError, UnicodeError) as error:
        raise fail(f"not JSON: {error}")
    if not isinstance(obj, dict):
        raise fail("not a JSON object")
    if canonical(obj) != text[:-1]:
        raise fail("not canonical JSON")
    expected = {
        "format": MANIFEST_FORMAT, "kind": kind, "node": obj.get("node"), "file": file_name,
        "count": len(records), "bytes": len(data),
        "first_seq": records[0]["seq"] if records else None, "last_seq": records[-1]["seq"] if records else None,
        "first_prev_hash": first_prev_hash, "last_hash": records[-1]["hash"] if records else None,
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    for key in sorted(obj):
        if key not in expected:
            raise fail(f"unknown field {key}")
    for key in sorted(expected):
        if key not in obj:
            raise fail(f"field {key} missing")
        if obj[key] != expected[key] or type(obj[key]) is not type(expected[key]):
            raise fail(f"{key} is {canonical(obj[key]).decode()}, the file gives {canonical(expected[key]).decode()}")
    if not isinstance(obj["node"], str):
        raise fail("field node is not a string")


def read_chain(root, kind, manifest_problems):
    """[(where, record)] of one kind in seq order, after checks 1 and 2 on every line.
    Check 6 (manifests) problems are appended to manifest_problems: they are reported last."""
    names = sorted(os.listdir(os.path.join(root, kind)))
    manifests = {name for name in names if name.endswith(MANIFEST_SUFFIX)}
    for manifest in sorted(manifests):
        if manifest[:-len(".manifest.json")] not in names:
            manifest_problems.append(Broken(os.path.join(kind, manifest), kind, None,
                         f"manifest: the file it describes, {manifest[:-len('.manifest.json')]}, is missing"))
    files = []
    for name in names:
        if name.endswith(".jsonl"):
            relative = os.path.join(kind, name)
            with open(os.path.join(root, relative), "rb") as handle:
                lines = handle.read().split(b"\n")  # the last piece is b"" unless the line is torn
            if len(lines) == 1 and lines[0]:
                raise Broken(f"{relative}:1", kind, None, "torn last line (no final newline)")
            if len(lines) > 1:
                files.append((check_line(f"{relative}:1", lines[0], kind)["seq"], relative, lines))
    files.sort(key=lambda file: file[0])  # the files of a kind, by the seq of their first record
    chain, previous = [], GENESIS
    for _, relative, lines in files:
        first_prev_hash, start = previous, len(chain)
        for number, line in enumerate(lines[:-1], start=1):
            where = f"{relative}:{number}"
            obj = check_line(where, line, kind)
            if obj["seq"] != len(chain) + 1:
                raise Broken(where, kind, obj["seq"], f"expected seq {len(chain) + 1}")
            if obj["prev_hash"] != previous:
                raise Broken(where, kind, obj["seq"], "prev_hash does not match the previous record's hash")
            if obj["hash"] != record_hash(obj):
                raise Broken(where, kind, obj["seq"], "hash does not match the record")
            chain.append((where, obj))
            previous = obj["hash"]
        if lines[-1]:
            raise Broken(f"{relative}:{len(lines)}", kind, None, "torn last line (no final newline)")
        file_name = os.path.basename(relative)
        if file_name + ".manifest.json" in manifests:
            try:
                check_manifest(root, os.path.join(kind, file_name + ".manifest.json"), kind, file_name,
                               [obj for _, obj in chain[start:]], first_prev_hash, b"\n".join(lines))
            except Broken as problem:
                manifest_problems.append(problem)
    return chain


# --- Checkpoints (checks 3, 4 and 5) ----------------------------------------------------------

def check_checkpoints(root, chains):
    """Signatures, keys, Merkle roots and coverage; returns the last checkpoint or None."""
    checkpoints = chains.get("checkpoint", [])
    node_key = None
    key_file = os.path.join(root, "keys", "node-ed25519.pub")
    if os.path.exists(key_file):
        with open(key_file, "rb") as handle:
            try:
                node_key = base64.b64decode(handle.read().strip(), validate=True)
            except ValueError:
                raise Broken("keys/node-ed25519.pub", "?", None, "not base64")
    wanted = {}
    for _, cp in checkpoints:
        for kind, head in (cp.get("chains") if isinstance(cp.get("chains"), dict) else {}).items():
            if isinstance(head, dict) and type(head.get("size")) is int:
                wanted.setdefault(kind, set()).add(head["size"])
    roots = {kind: merkle_roots((bytes.fromhex(obj["hash"]) for _, obj in chains.get(kind, [])), sizes)
             for kind, sizes in wanted.items()}
    covered = {}
    for where, cp in checkpoints:
        def fail(what):
            return Broken(where, "checkpoint", cp["seq"], what)
        if not (type(cp.get("time_us")) is int and isinstance(cp.get("chains"), dict)
                and isinstance(cp.get("public_key"), str) and isinstance(cp.get("signature"), str)):
            raise fail("time_us, chains, public_key or signature missing or wrong")
        try:
            key = base64.b64decode(cp["public_key"], validate=True)
            signature = base64.b64decode(cp["signature"], validate=True)
        except ValueError:
            raise fail("public_key or signature is not base64")
        signed = canonical({k: v for k, v in cp.items() if k not in ("hash", "signature")})
        if not ed25519_verify(key, signed, signature):
            raise fail("signature does not verify")
        if node_key is not None and key != node_key:
            raise fail("public_key is not the node's key (keys/node-ed25519.pub, or the first checkpoint's)")
        node_key = key
        for kind in sorted(set(cp["chains"]) | set(covered)):
            head = cp["chains"].get(kind)
            if kind == "checkpoint":
                raise fail("chains lists the checkpoint chain, which no Merkle tree covers")
            if not (isinstance(head, dict) and type(head.get("size")) is int and head["size"] >= 0
                    and is_hex64(head.get("root"))):
                raise fail(f"chains.{kind} missing or not {{root, size}}")
            size, have = head["size"], len(chains.get(kind, []))
            if size > have:
                raise fail(f"covers {size} {kind} records, only {have} present")
            if size < covered.get(kind, 0):
                raise fail(f"{kind} size {size} shrank from {covered[kind]}")
            if roots[kind][size].hex() != head["root"]:
                raise fail(f"{kind} Merkle root over {size} records does not match")
            covered[kind] = size
    for kind in sorted(chains):
        if kind != "checkpoint" and len(chains[kind]) > covered.get(kind, 0):
            where, obj = chains[kind][covered.get(kind, 0)]
            raise Broken(where, kind, obj["seq"], "unverified: not covered by any checkpoint")
    return checkpoints[-1][1] if checkpoints else None


def verify(root):
    """Summary lines when the directory is intact; raises Broken at the first broken place."""
    kinds = sorted(name for name in os.listdir(root) if name not in NOT_CHAINS
                   and os.path.isdir(os.path.join(root, name))
                   and any(file.endswith(".jsonl") for file in os.listdir(os.path.join(root, name))))
    manifest_problems = []
    chains = {kind: read_chain(root, kind, manifest_problems) for kind in kinds}
    last = check_checkpoints(root, chains)
    if manifest_problems:  # check 6 comes last: a tampered record is named at its line first
        raise manifest_problems[0]
    lines = [f"chain {kind}: {len(chains[kind])} records" for kind in kinds]
    total = sum(len(chain) for chain in chains.values())
    lines.append(f"verified: {total} records in {len(kinds)} chains"
                 + (f", last checkpoint seq {last['seq']} time_us {last['time_us']}" if last else ""))
    return lines


# --- Self-test --------------------------------------------------------------------------------

def self_test():
    rfc8032 = [  # RFC 8032 section 7.1, TEST 1-3: secret key, public key, message, signature
        ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
        ("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
         "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
         "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
    ]
    for secret, public, message, signature in map(lambda v: [bytes.fromhex(x) for x in v], rfc8032):
        assert ed25519_sign(secret, message) == (public, signature)
        assert ed25519_verify(public, message, signature)
        assert not ed25519_verify(public, message + b"x", signature)
        assert not ed25519_verify(public, message, signature[:63] + bytes([signature[63] ^ 1]))
        assert not ed25519_verify(public, message, signature[:32] + L.to_bytes(32, "little"))
    # RFC 9162 roots over the transparency-dev leaves d0..d7 (reference notes, section A3).
    leaves = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243",
                                         "5051525354555657", "606162636465666768696a6b6c6d6e6f")]
    roots = merkle_roots(leaves, set(range(9)))
    assert roots[0].hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert roots[1].hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    assert roots[3].hex() == "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"
    assert roots[7].hex() == "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"
    assert roots[8].hex() == "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    # Canonical JSON: RFC 8785 string escaping, key order, integers; floats refused.
    every_control = "".join(map(chr, range(0x20)))
    assert canonical({"b": [every_control + '"\\/\x7f\u2028é😀'], "a": -5, "A": True}) == (
        '{"A":true,"a":-5,"b":["\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007'
        '\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016'
        '\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\\"\\\\/\x7f\u2028é😀"]}'
    ).encode("utf-8")
    for bad in (b'{"a":1.0}', b'{"a":1e3}', b'{"a":NaN}'):
        try:
            parse(bad)
            raise AssertionError(f"accepted {bad!r}")
        except ValueError:
            pass
    tamper_self_test()
    print("self-test passed: RFC 8032 7.1 tests 1-3, RFC 9162 roots 0-8, RFC 8785 escaping, tampering")


def seal(fields, previous, seed=None):
    """A record line as the node writes it (signed first when a seed is given)."""
    obj = dict(fields, prev_hash=previous["hash"] if previous else GENESIS)
    if seed is not None:
        obj["public_key"] = base64.b64encode(ed25519_sign(seed, b"")[0]).decode()
        obj["signature"] = base64.b64encode(ed25519_sign(seed, canonical(obj))[1]).decode()
    obj["hash"] = record_hash(obj)
    return obj


def tamper_self_test():
    """A generated directory verifies; each kind of tampering is found at the right place."""
    import tempfile
    seed, cdr = bytes(range(32)), []
    for seq in range(1, 6):
        cdr.append(seal({"node": "t", "kind": "cdr", "seq": seq, "final_code": 200}, cdr[-1] if cdr else None))
    audit = [seal({"node": "t", "kind": "audit", "seq": 1, "event": "node_started", "time_us": 1}, None)]
    heads = {kind: {"size": len(chain), "root": merkle_roots([bytes.fromhex(r["hash"]) for r in chain],
                                                             {len(chain)})[len(chain)].hex()}
             for kind, chain in (("cdr", cdr), ("audit", audit))}
    checkpoint = [seal({"node": "t", "kind": "checkpoint", "seq": 1, "time_us": 2, "chains": heads}, None, seed)]
    lines = {kind: [canonical(r) + b"\n" for r in chain]
             for kind, chain in (("cdr", cdr), ("audit", audit), ("checkpoint", checkpoint))}
    forged = seal({"node": "t", "kind": "cdr", "seq": 6, "final_code": 200}, cdr[-1])
    resigned = dict(checkpoint[0], signature=base64.b64encode(bytes(64)).decode())
    resigned["hash"] = record_hash(resigned)
    cases = [  # (kind, new lines, expected failure or None)
        ("cdr", lines["cdr"], None),
        ("cdr", lines["cdr"][:2] + [lines["cdr"][2].replace(b"200", b"201")] + lines["cdr"][3:],
         "cdr/cdr-t.jsonl:3: cdr seq 3: hash does not match the record"),
        ("cdr", lines["cdr"][:2] + lines["cdr"][3:], "cdr/cdr-t.jsonl:3: cdr seq 4: expected seq 3"),
        ("cdr", [lines["cdr"][i] for i in (0, 2, 1, 3, 4)], "cdr/cdr-t.jsonl:2: cdr seq 3: expected seq 2"),
        ("cdr", lines["cdr"][:3],
         "checkpoint/checkpoint-t.jsonl:1: checkpoint seq 1: covers 5 cdr records, only 3 present"),
        ("cdr", lines["cdr"] + [canonical(forged) + b"\n"],
         "cdr/cdr-t.jsonl:6: cdr seq 6: unverified: not covered by any checkpoint"),
        ("checkpoint", [canonical(resigned) + b"\n"],
         "checkpoint/checkpoint-t.jsonl:1: checkpoint seq 1: signature does not verify"),
        ("cdr", lines["cdr"] + [b'{"kind":"cdr"'], "cdr/cdr-t.jsonl:6: cdr seq ?: torn last line (no final newline)"),
    ]
    for kind, new, expected in cases:
        with tempfile.TemporaryDirectory() as root:
            for name, content in dict(lines, **{kind: new}).items():
                os.mkdir(os.path.join(root, name))
                with open(os.path.join(root, name, f"{name}-t.jsonl"), "wb") as handle:
                    handle.write(b"".join(content))
            try:
                verify(root)
                found = None
            except Broken as broken:
                found = str(broken)
            assert found == expected, f"expected {expected!r}, found {found!r}"


def main(argv):
    if argv[1:] == ["--self-test"]:
        self_test()
        return 0
    if len(argv) != 2 or not os.path.isdir(argv[1]):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        lines = verify(argv[1])
    except Broken as broken:
        print(broken, file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""Checks a Lethe deletion certificate without Lethe's code: Python's json for the canonical bytes and the
OpenSSL command-line tool for the Ed25519 signature (an implementation independent of swift-crypto's BoringSSL).

Usage: certificate_reference.py CERTIFICATE.json [IDS...]
Prints "signature ok" or "signature bad"; with ids, also "ids ok" or "ids bad" (the commitment recomputed with
hashlib). Exits 0 when every check passes, 1 otherwise, 2 when the file does not parse.
"""
import hashlib, json, os, subprocess, sys, tempfile, base64

SPKI_ED25519_PREFIX = bytes.fromhex("302a300506032b6570032100")


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def signature_ok(document):
    block = document["signature"]
    der = SPKI_ED25519_PREFIX + bytes.fromhex(block["publicKey"])
    pem = "-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(der).decode() + "\n-----END PUBLIC KEY-----\n"
    with tempfile.TemporaryDirectory() as folder:
        paths = {name: os.path.join(folder, name) for name in ("key.pem", "message", "signature")}
        open(paths["key.pem"], "w").write(pem)
        open(paths["message"], "wb").write(canonical(document["certificate"]))
        open(paths["signature"], "wb").write(bytes.fromhex(block["value"]))
        result = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", paths["key.pem"], "-rawin",
                                 "-in", paths["message"], "-sigfile", paths["signature"]], capture_output=True)
        return result.returncode == 0


def ids_ok(document, ids):
    commitment = document["certificate"]["request"]["forgetIDs"]
    distinct = sorted(set(ids))
    text = "lethe-forget-ids/1\n" + commitment["salt"] + "\n" + "".join(f"{i}\n" for i in distinct)
    return hashlib.sha256(text.encode()).hexdigest() == commitment["sha256"] and len(distinct) == commitment["count"]


def main():
    try:
        document = json.load(open(sys.argv[1], encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"unreadable: {error}")
        return 2
    good = signature_ok(document)
    print("signature ok" if good else "signature bad")
    if len(sys.argv) > 2:
        matched = ids_ok(document, [int(x) for x in sys.argv[2:]])
        print("ids ok" if matched else "ids bad")
        good = good and matched
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())

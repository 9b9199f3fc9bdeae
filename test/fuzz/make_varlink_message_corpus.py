#!/usr/bin/env python3
"""Writes the hand-made seed corpus of the varlink message fuzz target.

    test/fuzz/make_varlink_message_corpus.py test/fuzz/corpus/varlink_message

Each seed is a byte stream as a client sends it: NUL-terminated calls with
every flag, replies as a service sends them, several messages in one read,
and the protocol errors the parser must refuse. Files already in the
directory are kept (the fuzzer's grown corpus lives beside the seeds)."""
import os
import sys

SEEDS = {
    "seed-call": b'{"method":"org.varlink.service.GetInfo"}\0',
    "seed-call-parameters": b'{"method":"org.varlink.service.GetInterfaceDescription",'
    b'"parameters":{"interface":"org.varlink.certification"}}\0',
    "seed-call-more": b'{"method":"io.earlynet.Network.Subscribe","parameters":{},"more":true}\0',
    "seed-call-oneway": b'{"method":"org.varlink.certification.Test11","parameters":{"client_id":"x",'
    b'"last_more_replies":["Reply number 1","Reply number 2"]},"oneway":true}\0',
    "seed-call-upgrade": b'{"method":"a.b.C","upgrade":true,"parameters":null}\0',
    "seed-mytype": b'{"method":"org.varlink.certification.Test10","more":true,"parameters":{"client_id":"c",'
    b'"mytype":{"object":{"method":"org.varlink.certification.Test09","parameters":{"map":{"foo":"Foo"}}},'
    b'"enum":"two","struct":{"first":1,"second":"2"},"array":["one","two","three"],'
    b'"dictionary":{"foo":"Foo","bar":"Bar"},"stringset":{"one":{},"two":{}},"nullable":null,'
    b'"interface":{"foo":[null,{"Foo":"foo"}],"anon":{"foo":true,"bar":false}}}}}\0',
    "seed-numbers": b'{"method":"a.b.C","parameters":{"f":3.141592653589793,"i":-9223372036854775808,'
    b'"u":18446744073709551615,"e":1e308,"s":"\\u00e9\\ud83d\\ude00"}}\0',
    "seed-two-in-one": b'{"method":"a.b.C"}\0{"method":"a.b.D","oneway":true}\0{"meth',
    "seed-reply": b'{"parameters":{"client_id":"b7e4"}}\0',
    "seed-reply-continues": b'{"parameters":{"string":"Reply number 1"},"continues":true}\0',
    "seed-reply-error": b'{"error":"org.varlink.service.InvalidParameter","parameters":{"parameter":"x"}}\0',
    "bad-not-json": b'{"method":\0',
    "bad-array": b'["a.b.C"]\0',
    "bad-no-method": b'{"parameters":{}}\0',
    "bad-more-oneway": b'{"method":"a.b.C","more":true,"oneway":true}\0',
    "bad-flag-type": b'{"method":"a.b.C","more":"yes"}\0',
    "bad-deep": b'{"method":"a.b.C","parameters":{"x":' + b"[" * 100 + b"]" * 100 + b"}}\0",
    "bad-utf8": b'{"method":"a.b.\xff"}\0',
    "bad-no-nul": b'{"method":"a.b.C"}' + b" " * 600,
}


def main() -> None:
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()

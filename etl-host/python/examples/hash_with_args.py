"""hash-with-args: a digest chosen per request by etl_args, "ALGORITHM" or "ALGORITHM:SEED" (the seed is hashed
first, as AIStore's example seeds its hash). Default sha256. A bad etl_args is a 400 saying what is accepted.

    curl 'localhost:8080/v1/objects/b/o?etl_name=hash-args&etl_args=blake2b:42'
"""

import hashlib

import oais_etl
from oais_etl import TransformError

ALGORITHMS = sorted(a for a in hashlib.algorithms_guaranteed if not a.startswith("shake"))


def transform(reader, writer, path, args):
    algorithm, _, seed = (args or "sha256").partition(":")
    if algorithm not in ALGORITHMS:
        raise TransformError(400, f"etl_args must be ALGORITHM or ALGORITHM:SEED with ALGORITHM one of "
                                  f"{', '.join(ALGORITHMS)}; not '{args}'")
    digest = hashlib.new(algorithm)
    digest.update(seed.encode("utf-8"))
    for piece in reader:
        digest.update(piece)
    writer.write(digest.hexdigest().encode("ascii"))


if __name__ == "__main__":
    oais_etl.serve(transform_stream=transform)

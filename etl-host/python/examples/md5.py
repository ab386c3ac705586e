"""md5: the object's MD5 as lowercase hex, computed while the object streams in (nothing buffered).

    python3 md5.py --port 8000                                   # a transformer server, every communicator
    oais etl init --name md5-py --from-file md5.py               # the same with no image (runtime.python)
"""

import hashlib

import oais_etl


def transform(reader, writer, path, args):
    digest = hashlib.md5()
    for piece in reader:
        digest.update(piece)
    writer.write(digest.hexdigest().encode("ascii"))


if __name__ == "__main__":
    oais_etl.serve(transform_stream=transform)

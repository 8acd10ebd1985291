"""`make profile`: where the time of one page goes, in-process (issue #6).

Renders a page of the benchmark database (bench/data.py; built when missing) through
Django's full WSGI handler with DEBUG off and every cache off (--mode fragments or
"page cache" for the benchmark's other modes), first to warm up, then
N times under cProfile, and prints milliseconds per request and the hottest functions.

    python -m bench.profile [PAGE] [--mode M] [--requests N] [--sort tottime|cumtime] [--top K]

PAGE is one of the benchmark's page names (home, "hartes training", "1000 comments" …).
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time

from bench.run import OUT, ROOT, _env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", nargs="?", default="home")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--mode", default="off", choices=["off", "fragments", "page cache"])
    args = parser.parse_args()

    os.chdir(ROOT)
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.update(_env(args.mode))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from bench import data
    from bench.run import build_database

    if args.rebuild or not (OUT / "bench.sqlite3").exists() and not os.environ.get("DATABASE_URL"):
        pages = build_database()
    else:
        pages = data.urls()
    url = pages[args.page]

    from django.core.handlers.wsgi import WSGIHandler
    from django.test.client import RequestFactory

    handler = WSGIHandler()
    environ = RequestFactory(SERVER_NAME="127.0.0.1")._base_environ(PATH_INFO=url)

    def request() -> int:
        chunks = []
        response = handler(dict(environ), lambda status, headers, exc_info=None: None)
        for chunk in response:
            chunks.append(chunk)
        response.close()
        return sum(map(len, chunks))

    size = request()
    for _ in range(20):
        request()
    # The best of five rounds of CPU time: the machine may be shared and noisy.
    rounds = []
    for _ in range(5):
        started = time.process_time()
        for _ in range(max(args.requests // 5, 1)):
            request()
        rounds.append((time.process_time() - started) / max(args.requests // 5, 1) * 1000)
    plain = min(rounds)

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.requests):
        request()
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())
    print(
        f"{args.page!r} ({url}): {size:,} bytes, {plain:.2f} ms of CPU per request "
        "without the profiler (best of 5 rounds)"
    )


if __name__ == "__main__":
    main()

"""Posts are cleaned by one bleach Cleaner per thread (issue #13: an import saves
thousands of posts): reused, it gives what a new one gives, in any order and thread."""

import random
import threading

from blog import markup

PIECES = [
    "<p>Text</p>", "<script>x</script>", "<a href='javascript:x'>a</a>", '<a href="/x">b</a>',
    "<img src=x onerror=y>", "<table><tr><td>1</td></tr></table>", "<!-- c -->", "&amp;",
    "<", "<b>", "</div>", "<iframe src=//a>", "<h2 id=x>T</h2>", "Größe", "\n\n", "<em>",
]  # fmt: skip


def fresh(raw: str) -> str:
    return markup.clean_html(
        raw,
        tags=markup.POST_TAGS,
        attributes=markup.POST_ATTRIBUTES,
        protocols=markup.PROTOCOLS,
        strip=True,
        strip_comments=True,
    ).strip()


def samples(seed: int, n: int = 300) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(PIECES, k=rng.randint(1, 20))) for _ in range(n)]


def test_the_threads_cleaner_cleans_as_a_new_one():
    for raw in samples(1):
        assert markup.sanitize_html(raw) == fresh(raw), raw


def test_each_thread_has_its_own_cleaner():
    wrong, cleaners = [], []

    def clean(seed):
        for raw in samples(seed):
            if markup.sanitize_html(raw) != fresh(raw):
                wrong.append(raw)
        cleaners.append(markup._local.post_cleaner)

    threads = [threading.Thread(target=clean, args=(seed,)) for seed in (2, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not wrong
    assert len(cleaners) == 2 and cleaners[0] is not cleaners[1]

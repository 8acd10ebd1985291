"""The demo blog (`manage.py load_demo`), and where other apps add to it.

Blog knows no app above it: the comments app registers its demo threads here from its
AppConfig.ready(), as `loaders` (run after the posts are written) and `untouched_checks`
(whether a demo post still carries exactly that app's demo data).
"""

loaders = []  # callables(*, author, stdout): write the app's demo content
untouched_checks = []  # callables(post) -> bool


def register(*, loader, untouched) -> None:
    """Add an app's demo content: its loader and its check that a post is untouched."""
    if loader not in loaders:
        loaders.append(loader)
    if untouched not in untouched_checks:
        untouched_checks.append(untouched)

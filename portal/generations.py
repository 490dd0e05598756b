"""Generations: one token per family of data, changed after every committed write to it.

A cached answer is stored under the generations it was built from (portal.api.caching), so a write never has to
find and delete the answers it makes stale: it changes the token and those keys are never asked for again (they
expire on their own). Families:

- ``records``: the curated records (opportunities, their areas, organisations, certifications, sources) and the
  notices, whose gaps a firm's matches show;
- ``companies``: firms' own fields;
- ``matches``: stored match scores;
- ``accounts``: users, their roles and their API tokens.

Writes through the ORM's instance methods (services, the admin, the curated loader) are seen by the receivers
that ``watch()`` connects: cache invalidation is the one job a signal does here, because it must follow every
write whatever made it, and it holds no business logic. Bulk writes that send no signals (the scoring store, the
CSV import's COPY) call ``bump()`` themselves.

A token is random, never a counter, so a cache that lost its keys (a Redis restart) can never hand back an answer
built from older data under a token that happens to be reused.
"""

import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest

FAMILIES = ("records", "companies", "matches", "accounts")


def _key(family: str) -> str:
    # Named for the database too: checkouts or test runs sharing one Redis never share generations.
    return f"generation:{settings.DATABASES['default']['NAME']}:{family}"


def _fresh() -> str:
    return secrets.token_hex(6)


def generations_current(families: Iterable[str], *, request: HttpRequest | None = None) -> str | None:
    """The tokens of FAMILIES now, joined: part of a cache key; None when the cache cannot be used just now.

    Missing tokens are created (first use, or a cache that lost its keys). With REQUEST, every family is read once
    per request (one round trip to the cache) and remembered on it, so that the token check, the access check and
    the answer all see the same generations, and a cache found unreachable is not asked again in that request.
    """
    memo = getattr(request, "_kakehashi_generations", None) if request is not None else None
    if memo is None:
        memo = _read(FAMILIES) or {}
        if request is not None:
            request._kakehashi_generations = memo  # type: ignore[attr-defined]
    if not memo:
        return None
    return ".".join(memo[name] for name in families)


def _read(families: Iterable[str]) -> dict[str, str] | None:
    keys = {_key(name): name for name in families}
    found = cache.get_many(list(keys))
    for key in keys:
        if key not in found:
            token = _fresh()
            # add() fails when another process created the token meanwhile (rare) or when the cache is down or
            # hanging (its errors are ignored): either way, skip the cache for this request rather than wait on
            # it again.
            if not cache.add(key, token, timeout=None):
                return None
            found[key] = token
    return {name: found[key] for key, name in keys.items()}


def generations_bump(*families: str) -> None:
    """Change the tokens of FAMILIES once the current transaction commits (at once outside one).

    After the commit, not before: a reader that saw the new token before the data was visible would cache the old
    data under it. A reader that sees the old token after the commit caches new data under a token nobody asks
    for again, which is harmless.
    """
    unknown = set(families) - set(FAMILIES)
    if unknown:
        raise ValueError(f"unknown generation families: {sorted(unknown)}")
    wanted = frozenset(families)
    connection = transaction.get_connection()
    done: set[str] = set()
    if connection.in_atomic_block:
        # One cache write per family and commit, however many rows the transaction writes: the bumps of one
        # transaction share a record of what has been bumped. Each is still registered, so that a savepoint rolled
        # back drops only its own, and the others still bump.
        for _, pending, _ in reversed(connection.run_on_commit):
            if isinstance(pending, _Bump):
                done = pending.done
                break
    transaction.on_commit(_Bump(wanted, done))


class _Bump:
    """The commit callback that gives FAMILIES new tokens, unless an earlier one of the same commit did."""

    def __init__(self, families: frozenset[str], done: set[str]) -> None:
        self.families = families
        self.done = done

    def __call__(self) -> None:
        todo = self.families - self.done
        if todo:
            cache.set_many({_key(name): _fresh() for name in todo}, timeout=None)
            self.done.update(todo)


def watch(family: str, *models_: type[models.Model]) -> None:
    """Bump FAMILY after every save or delete of MODELS, and after changes to their many-to-many links.

    Connected per model, never for every sender: a delete receiver on a model makes Django load its rows before
    deleting them, which would be ruinous for the million-row matches table.
    """
    for model in models_:
        post_save.connect(_receiver(family), sender=model, weak=False, dispatch_uid=f"generation-{model._meta.label}")
        post_delete.connect(_receiver(family), sender=model, weak=False, dispatch_uid=f"generation-{model._meta.label}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _receiver(family),
                sender=field.remote_field.through,
                weak=False,
                dispatch_uid=f"generation-{model._meta.label}-{field.name}",
            )


# Saves that change nothing a cached answer or an access decision depends on: a sign-in's last_login.
IGNORED_UPDATES = {frozenset({"last_login"})}


def _receiver(family: str):
    def bump(**kwargs) -> None:
        if kwargs.get("raw") or kwargs.get("action", "post_").startswith("pre_"):
            return  # loaddata (nothing is cached yet), or the announcement of an m2m change still to come
        if kwargs.get("update_fields") and frozenset(kwargs["update_fields"]) in IGNORED_UPDATES:
            return
        generations_bump(family)

    return bump

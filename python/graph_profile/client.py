"""The blocking client: ``Client`` and ``FacetApi``.

Each call runs on the package's tokio runtime with the GIL released, so other
Python threads go on meanwhile and many threads may share one client; Ctrl+C
interrupts a call that waits.
"""

from __future__ import annotations

import builtins
import datetime
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload

from . import _encode, _native, models
from ._config import ClientCredentials, Cloud, DeviceCode, TokenSource, build_native
from .errors import ConfigError, GraphProfileError
from .models import (
    DRAFT_CLASSES,
    ENTRY_CLASSES,
    PATCH_CLASSES,
    Award,
    AwardDraft,
    AwardPatch,
    Certification,
    CertificationDraft,
    CertificationPatch,
    Draft,
    Entry,
    Patch,
)

if TYPE_CHECKING:
    # The sync module (and its dataclasses) loads on first use, not at import.
    from . import sync as _sync

__all__ = ["Client", "FacetApi"]

E = TypeVar("E", bound=Entry)
D = TypeVar("D", bound=Draft)
P = TypeVar("P", bound=Patch)


def facet_classes(name: str) -> tuple[str, type[Entry], type[Draft], type[Patch]]:
    """The collection name and the model classes of a facet named in any letter case."""
    canonical = _native.check_facet(name)
    return canonical, ENTRY_CLASSES[canonical], DRAFT_CLASSES[canonical], PATCH_CLASSES[canonical]


class FacetApi(Generic[E, D, P]):
    """The entries of one facet of one user: list, get, create, update, delete.

    Iterating it yields every entry, fetching pages as it goes.
    """

    def __init__(
        self,
        native: _native.NativeClient,
        facet: str,
        user: str,
        entry: type[E],
        draft: type[D],
        patch: type[P],
    ) -> None:
        self._native = native
        #: The facet's collection name (``"certifications"``).
        self.facet = facet
        #: The user: ``"me"``, an object id or a user principal name.
        self.user = user
        self._entry = entry
        self._draft = draft
        self._patch = patch

    def __repr__(self) -> str:
        return f"FacetApi({self.facet!r}, user={self.user!r})"

    def list(
        self,
        *,
        select: Sequence[str] | None = None,
        filter: str | None = None,
        orderby: str | None = None,
        top: int | None = None,
        skip: int | None = None,
    ) -> builtins.list[E]:
        """Every entry, across all pages.  ``filter`` and ``orderby`` are OData
        expressions, passed as written."""
        text = self._native.list(
            self.facet, self.user, _encode.query(select, filter, orderby, top, skip)
        )
        return _encode.entries(self._entry, text)

    def pages(
        self,
        *,
        select: Sequence[str] | None = None,
        filter: str | None = None,
        orderby: str | None = None,
        top: int | None = None,
        skip: int | None = None,
    ) -> Iterator[builtins.list[E]]:
        """The entries page by page, each fetched when the iteration reaches it.  A page
        may be empty."""
        pages = self._native.pages(
            self.facet, self.user, _encode.query(select, filter, orderby, top, skip)
        )
        for text in pages:
            yield _encode.entries(self._entry, text)

    def __iter__(self) -> Iterator[E]:
        for page in self.pages():
            yield from page

    def get(self, id: str, *, select: Sequence[str] | None = None) -> E:
        """One entry by id.  Raises ``NotFoundError`` when there is none."""
        text = self._native.get(self.facet, self.user, id, _encode.select_list(select))
        return _encode.entry(self._entry, text)

    def create(self, draft: D | E | Mapping[str, Any]) -> E:
        """Creates an entry and returns it as the service stored it (with its id).

        The draft is validated first; a create whose answer was lost is never applied
        twice.
        """
        text = self._native.create(self.facet, self.user, _encode.body(self.facet, "draft", draft))
        return _encode.entry(self._entry, text)

    def update(self, id: str, patch: P | Mapping[str, Any]) -> E:
        """Changes the fields the patch sets (``None`` clears one) and returns the
        whole entry."""
        body = _encode.body(self.facet, "patch", patch)
        return _encode.entry(self._entry, self._native.update(self.facet, self.user, id, body))

    def delete(self, id: str) -> None:
        """Deletes an entry."""
        self._native.delete(self.facet, self.user, id)

    def create_many(self, drafts: Iterable[D | E | Mapping[str, Any]]) -> builtins.list[E | GraphProfileError]:
        """Creates many entries through JSON batching.  Returns, in order, each created
        entry or the error of that one draft; the others go on."""
        items = [(None, _encode.body(self.facet, "draft", d)) for d in drafts]
        return self._batch("create", items)

    def update_many(
        self, patches: Mapping[str, P | Mapping[str, Any]]
    ) -> builtins.list[E | GraphProfileError]:
        """Updates many entries (id to patch) through JSON batching; results in order."""
        items = [(i, _encode.body(self.facet, "patch", p)) for i, p in patches.items()]
        return self._batch("update", items)

    def delete_many(self, ids: Iterable[str]) -> builtins.list[GraphProfileError | None]:
        """Deletes many entries through JSON batching; ``None`` for each success."""
        results = self._batch("delete", [(i, None) for i in ids])
        return [r if isinstance(r, GraphProfileError) else None for r in results]

    def _batch(
        self, op: str, items: Sequence[tuple[str | None, str | None]]
    ) -> builtins.list[E | GraphProfileError]:
        if not items:
            return []
        rows = self._native.batch(_encode.batch_items(self.facet, self.user, op, items))
        return _batch_results(self._entry, rows)


def _batch_results(
    cls: type[E], rows: builtins.list[tuple[int, str | None, GraphProfileError | None]]
) -> builtins.list[E | GraphProfileError]:
    results: builtins.list[E | GraphProfileError] = []
    for _status, text, error in rows:
        if error is not None:
            results.append(error)
        else:
            results.append(_encode.entry(cls, text) if text else cls())
    return results


class Client:
    """A Graph profile client.  Sign in with exactly one of ``token``,
    ``token_provider``, ``client_credentials`` or ``device_code`` (none: no
    ``Authorization`` header, for an emulator that does not check).

    ``graph_url`` overrides the cloud's endpoint and includes ``/beta``; a token
    travels over plain ``http`` only to a loopback address.  ``timeout`` is in
    seconds, per attempt.  Use it as a context manager, or call ``close()``.
    """

    def __init__(
        self,
        token: str | None = None,
        *,
        token_provider: TokenSource | None = None,
        client_credentials: ClientCredentials | None = None,
        device_code: DeviceCode | None = None,
        cloud: Cloud = "global",
        graph_url: str | None = None,
        authority_url: str | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
        max_concurrency: int | None = None,
    ) -> None:
        self._native: _native.NativeClient | None = build_native(
            token=token,
            token_provider=token_provider,
            client_credentials=client_credentials,
            device_code=device_code,
            cloud=cloud,
            graph_url=graph_url,
            authority_url=authority_url,
            max_retries=max_retries,
            timeout=timeout,
            max_concurrency=max_concurrency,
        )

    def _open(self) -> _native.NativeClient:
        if self._native is None:
            raise ConfigError("the client is closed")
        return self._native

    # BEGIN facet overloads (tools/gen_stubs.py)
    @overload
    def facet(
        self, name: Literal["account"], user: str = ...
    ) -> FacetApi[models.Account, models.AccountDraft, models.AccountPatch]: ...
    @overload
    def facet(
        self, name: Literal["addresses"], user: str = ...
    ) -> FacetApi[models.Address, models.AddressDraft, models.AddressPatch]: ...
    @overload
    def facet(
        self, name: Literal["anniversaries"], user: str = ...
    ) -> FacetApi[models.Anniversary, models.AnniversaryDraft, models.AnniversaryPatch]: ...
    @overload
    def facet(
        self, name: Literal["awards"], user: str = ...
    ) -> FacetApi[models.Award, models.AwardDraft, models.AwardPatch]: ...
    @overload
    def facet(
        self, name: Literal["certifications"], user: str = ...
    ) -> FacetApi[models.Certification, models.CertificationDraft, models.CertificationPatch]: ...
    @overload
    def facet(
        self, name: Literal["educationalActivities"], user: str = ...
    ) -> FacetApi[models.EducationalActivity, models.EducationalActivityDraft, models.EducationalActivityPatch]: ...
    @overload
    def facet(
        self, name: Literal["emails"], user: str = ...
    ) -> FacetApi[models.Email, models.EmailDraft, models.EmailPatch]: ...
    @overload
    def facet(
        self, name: Literal["interests"], user: str = ...
    ) -> FacetApi[models.Interest, models.InterestDraft, models.InterestPatch]: ...
    @overload
    def facet(
        self, name: Literal["languages"], user: str = ...
    ) -> FacetApi[models.Language, models.LanguageDraft, models.LanguagePatch]: ...
    @overload
    def facet(
        self, name: Literal["names"], user: str = ...
    ) -> FacetApi[models.PersonName, models.PersonNameDraft, models.PersonNamePatch]: ...
    @overload
    def facet(
        self, name: Literal["notes"], user: str = ...
    ) -> FacetApi[models.Note, models.NoteDraft, models.NotePatch]: ...
    @overload
    def facet(
        self, name: Literal["patents"], user: str = ...
    ) -> FacetApi[models.Patent, models.PatentDraft, models.PatentPatch]: ...
    @overload
    def facet(
        self, name: Literal["phones"], user: str = ...
    ) -> FacetApi[models.Phone, models.PhoneDraft, models.PhonePatch]: ...
    @overload
    def facet(
        self, name: Literal["positions"], user: str = ...
    ) -> FacetApi[models.Position, models.PositionDraft, models.PositionPatch]: ...
    @overload
    def facet(
        self, name: Literal["projects"], user: str = ...
    ) -> FacetApi[models.Project, models.ProjectDraft, models.ProjectPatch]: ...
    @overload
    def facet(
        self, name: Literal["publications"], user: str = ...
    ) -> FacetApi[models.Publication, models.PublicationDraft, models.PublicationPatch]: ...
    @overload
    def facet(
        self, name: Literal["skills"], user: str = ...
    ) -> FacetApi[models.Skill, models.SkillDraft, models.SkillPatch]: ...
    @overload
    def facet(
        self, name: Literal["webAccounts"], user: str = ...
    ) -> FacetApi[models.WebAccount, models.WebAccountDraft, models.WebAccountPatch]: ...
    @overload
    def facet(
        self, name: Literal["websites"], user: str = ...
    ) -> FacetApi[models.Website, models.WebsiteDraft, models.WebsitePatch]: ...
    @overload
    def facet(self, name: str, user: str = ...) -> FacetApi[Entry, Draft, Patch]: ...
# END facet overloads
    def facet(self, name: str, user: str = "me") -> FacetApi[Any, Any, Any]:
        """The entries of any of the 19 facets, by collection name (``"skills"``).
        An unknown name raises ``ValidationError``."""
        facet, entry, draft, patch = facet_classes(name)
        return FacetApi(self._open(), facet, user, entry, draft, patch)

    def certifications(
        self, user: str = "me"
    ) -> FacetApi[Certification, CertificationDraft, CertificationPatch]:
        """The user's certifications."""
        native = self._open()
        return FacetApi(
            native, "certifications", user, Certification, CertificationDraft, CertificationPatch
        )

    def awards(self, user: str = "me") -> FacetApi[Award, AwardDraft, AwardPatch]:
        """The user's awards."""
        return FacetApi(self._open(), "awards", user, Award, AwardDraft, AwardPatch)

    @overload
    def sync(
        self,
        source: _sync.SyncSource,
        *,
        format: Literal["csv", "json"] | None = ...,
        facet: str | None = ...,
        prune: bool = ...,
        strict: bool = ...,
        journal: str | os.PathLike[str] | None = ...,
        max_concurrency: int | None = ...,
        max_rate: float | None = ...,
        plan_only: Literal[False] = ...,
    ) -> _sync.ApplyReport: ...
    @overload
    def sync(
        self,
        source: _sync.SyncSource,
        *,
        format: Literal["csv", "json"] | None = ...,
        facet: str | None = ...,
        prune: bool = ...,
        strict: bool = ...,
        journal: str | os.PathLike[str] | None = ...,
        max_concurrency: int | None = ...,
        max_rate: float | None = ...,
        plan_only: Literal[True],
    ) -> _sync.Plan: ...
    @overload
    def sync(
        self,
        source: _sync.SyncSource,
        *,
        format: Literal["csv", "json"] | None = ...,
        facet: str | None = ...,
        prune: bool = ...,
        strict: bool = ...,
        journal: str | os.PathLike[str] | None = ...,
        max_concurrency: int | None = ...,
        max_rate: float | None = ...,
        plan_only: bool,
    ) -> _sync.Plan | _sync.ApplyReport: ...
    def sync(
        self,
        source: _sync.SyncSource,
        *,
        format: Literal["csv", "json"] | None = None,
        facet: str | None = None,
        prune: bool = False,
        strict: bool = False,
        journal: str | os.PathLike[str] | None = None,
        max_concurrency: int | None = None,
        max_rate: float | None = None,
        plan_only: bool = False,
    ) -> _sync.Plan | _sync.ApplyReport:
        """Makes users' profiles hold what ``source`` describes, or with ``plan_only``
        only says what that would take.

        ``source`` is CSV or JSON text (text holds a line break, or starts with ``[`` or
        ``{``), a file path (``.json`` is JSON, anything else CSV, unless ``format``
        says), or a list of entry dicts (``{"user", "facet"?, ...fields}`` with Graph's
        field names; dates may be ``datetime.date``; their lines are their positions,
        from 1).  ``facet`` is the facet of rows that name none.  An entry's fields left
        out are neither compared nor changed; ``prune`` also deletes the entries of a
        listed user's facet that no row describes.

        Returns a :class:`~graph_profile.sync.Plan` with ``plan_only`` (reads only),
        else an :class:`~graph_profile.sync.ApplyReport`.  Bad rows are listed in the
        result's ``errors`` with their lines, and the good rows still go; ``strict``
        applies nothing when any row is bad.  ``journal`` is a file that makes a rerun
        resume an interrupted one; ``max_concurrency`` and ``max_rate`` (writes per
        second) bound the pace, which otherwise follows the service's throttling.
        Ctrl+C stops an apply with every finished write in the journal, then raises
        ``KeyboardInterrupt``.  A request that cannot work raises ``ValidationError``
        naming the field; a file that cannot be read, ``OSError``.
        """
        native = self._open()
        from . import sync as _sync

        request = _sync.sync_request(
            source,
            format=format,
            facet=facet,
            prune=prune,
            strict=strict,
            journal=journal,
            max_concurrency=max_concurrency,
            max_rate=max_rate,
        )
        if plan_only:
            text = native.sync_plan(request)
            return _sync.Plan._read(text)
        text = native.sync_apply(request)
        return _sync.ApplyReport._read(text)

    def expiring(
        self,
        users: str | Iterable[str] | None = None,
        *,
        within_days: int = 30,
        include_expired: bool = True,
        as_of: datetime.date | None = None,
    ) -> _sync.ExpiryReport:
        """The certifications expired (with ``include_expired``) or expiring within
        ``within_days`` of ``as_of`` (default today, UTC), soonest first, for the given
        users (a name or a list) or, with ``None``, every user of the tenant.  Users
        that cannot be read are listed in the report's ``errors``."""
        native = self._open()
        from . import sync as _sync

        request = _sync.expiry_request(
            users, within_days=within_days, include_expired=include_expired, as_of=as_of
        )
        text = native.expiry(request)
        return _sync.ExpiryReport._read(text)

    def close(self) -> None:
        """Lets go of the connections.  Calls after this raise ``ConfigError``."""
        self._native = None

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

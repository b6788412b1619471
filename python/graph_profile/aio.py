"""The asyncio client: ``AsyncClient`` and ``AsyncFacetApi``, the same operations as
``Client``, awaited.  The work runs on the package's tokio runtime; cancelling the
awaiting task cancels the request."""

from __future__ import annotations

import builtins
import datetime
import os
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload

from . import _encode, _native, models
from ._config import ClientCredentials, Cloud, DeviceCode, TokenSource, build_native
from .client import _batch_results, facet_classes
from .errors import ConfigError, GraphProfileError
from .models import (
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

__all__ = ["AsyncClient", "AsyncFacetApi"]

E = TypeVar("E", bound=Entry)
D = TypeVar("D", bound=Draft)
P = TypeVar("P", bound=Patch)


class AsyncFacetApi(Generic[E, D, P]):
    """The entries of one facet of one user, awaited.  ``async for`` over it yields
    every entry, fetching pages as it goes."""

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
        return f"AsyncFacetApi({self.facet!r}, user={self.user!r})"

    async def list(
        self,
        *,
        select: Sequence[str] | None = None,
        filter: str | None = None,
        orderby: str | None = None,
        top: int | None = None,
        skip: int | None = None,
    ) -> builtins.list[E]:
        """Every entry, across all pages."""
        query = _encode.query(select, filter, orderby, top, skip)
        text: str = await self._native.list_async(self.facet, self.user, query)
        return _encode.entries(self._entry, text)

    async def pages(
        self,
        *,
        select: Sequence[str] | None = None,
        filter: str | None = None,
        orderby: str | None = None,
        top: int | None = None,
        skip: int | None = None,
    ) -> AsyncIterator[builtins.list[E]]:
        """The entries page by page, each fetched when the iteration reaches it."""
        query = _encode.query(select, filter, orderby, top, skip)
        async for text in self._native.pages(self.facet, self.user, query):
            yield _encode.entries(self._entry, text)

    async def __aiter__(self) -> AsyncIterator[E]:
        async for page in self.pages():
            for entry in page:
                yield entry

    async def get(self, id: str, *, select: Sequence[str] | None = None) -> E:
        """One entry by id.  Raises ``NotFoundError`` when there is none."""
        select_list = _encode.select_list(select)
        text: str = await self._native.get_async(self.facet, self.user, id, select_list)
        return _encode.entry(self._entry, text)

    async def create(self, draft: D | E | Mapping[str, Any]) -> E:
        """Creates an entry (validated first, never applied twice) and returns it."""
        body = _encode.body(self.facet, "draft", draft)
        text: str = await self._native.create_async(self.facet, self.user, body)
        return _encode.entry(self._entry, text)

    async def update(self, id: str, patch: P | Mapping[str, Any]) -> E:
        """Changes the fields the patch sets (``None`` clears one); returns the entry."""
        body = _encode.body(self.facet, "patch", patch)
        text: str = await self._native.update_async(self.facet, self.user, id, body)
        return _encode.entry(self._entry, text)

    async def delete(self, id: str) -> None:
        """Deletes an entry."""
        await self._native.delete_async(self.facet, self.user, id)

    async def create_many(
        self, drafts: Iterable[D | E | Mapping[str, Any]]
    ) -> builtins.list[E | GraphProfileError]:
        """Creates many entries through JSON batching; each result is the entry or the
        error of that one draft."""
        items = [(None, _encode.body(self.facet, "draft", d)) for d in drafts]
        return await self._batch("create", items)

    async def update_many(
        self, patches: Mapping[str, P | Mapping[str, Any]]
    ) -> builtins.list[E | GraphProfileError]:
        """Updates many entries (id to patch) through JSON batching; results in order."""
        items = [(i, _encode.body(self.facet, "patch", p)) for i, p in patches.items()]
        return await self._batch("update", items)

    async def delete_many(self, ids: Iterable[str]) -> builtins.list[GraphProfileError | None]:
        """Deletes many entries through JSON batching; ``None`` for each success."""
        results = await self._batch("delete", [(i, None) for i in ids])
        return [r if isinstance(r, GraphProfileError) else None for r in results]

    async def _batch(
        self, op: str, items: Sequence[tuple[str | None, str | None]]
    ) -> builtins.list[E | GraphProfileError]:
        if not items:
            return []
        requests = _encode.batch_items(self.facet, self.user, op, items)
        rows = await self._native.batch_async(requests)
        return _batch_results(self._entry, rows)


class AsyncClient:
    """The asyncio form of :class:`graph_profile.Client`, with the same settings.
    Use it with ``async with``, or call ``await close()``."""

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
    ) -> AsyncFacetApi[models.Account, models.AccountDraft, models.AccountPatch]: ...
    @overload
    def facet(
        self, name: Literal["addresses"], user: str = ...
    ) -> AsyncFacetApi[models.Address, models.AddressDraft, models.AddressPatch]: ...
    @overload
    def facet(
        self, name: Literal["anniversaries"], user: str = ...
    ) -> AsyncFacetApi[models.Anniversary, models.AnniversaryDraft, models.AnniversaryPatch]: ...
    @overload
    def facet(
        self, name: Literal["awards"], user: str = ...
    ) -> AsyncFacetApi[models.Award, models.AwardDraft, models.AwardPatch]: ...
    @overload
    def facet(
        self, name: Literal["certifications"], user: str = ...
    ) -> AsyncFacetApi[models.Certification, models.CertificationDraft, models.CertificationPatch]: ...
    @overload
    def facet(
        self, name: Literal["educationalActivities"], user: str = ...
    ) -> AsyncFacetApi[models.EducationalActivity, models.EducationalActivityDraft, models.EducationalActivityPatch]: ...
    @overload
    def facet(
        self, name: Literal["emails"], user: str = ...
    ) -> AsyncFacetApi[models.Email, models.EmailDraft, models.EmailPatch]: ...
    @overload
    def facet(
        self, name: Literal["interests"], user: str = ...
    ) -> AsyncFacetApi[models.Interest, models.InterestDraft, models.InterestPatch]: ...
    @overload
    def facet(
        self, name: Literal["languages"], user: str = ...
    ) -> AsyncFacetApi[models.Language, models.LanguageDraft, models.LanguagePatch]: ...
    @overload
    def facet(
        self, name: Literal["names"], user: str = ...
    ) -> AsyncFacetApi[models.PersonName, models.PersonNameDraft, models.PersonNamePatch]: ...
    @overload
    def facet(
        self, name: Literal["notes"], user: str = ...
    ) -> AsyncFacetApi[models.Note, models.NoteDraft, models.NotePatch]: ...
    @overload
    def facet(
        self, name: Literal["patents"], user: str = ...
    ) -> AsyncFacetApi[models.Patent, models.PatentDraft, models.PatentPatch]: ...
    @overload
    def facet(
        self, name: Literal["phones"], user: str = ...
    ) -> AsyncFacetApi[models.Phone, models.PhoneDraft, models.PhonePatch]: ...
    @overload
    def facet(
        self, name: Literal["positions"], user: str = ...
    ) -> AsyncFacetApi[models.Position, models.PositionDraft, models.PositionPatch]: ...
    @overload
    def facet(
        self, name: Literal["projects"], user: str = ...
    ) -> AsyncFacetApi[models.Project, models.ProjectDraft, models.ProjectPatch]: ...
    @overload
    def facet(
        self, name: Literal["publications"], user: str = ...
    ) -> AsyncFacetApi[models.Publication, models.PublicationDraft, models.PublicationPatch]: ...
    @overload
    def facet(
        self, name: Literal["skills"], user: str = ...
    ) -> AsyncFacetApi[models.Skill, models.SkillDraft, models.SkillPatch]: ...
    @overload
    def facet(
        self, name: Literal["webAccounts"], user: str = ...
    ) -> AsyncFacetApi[models.WebAccount, models.WebAccountDraft, models.WebAccountPatch]: ...
    @overload
    def facet(
        self, name: Literal["websites"], user: str = ...
    ) -> AsyncFacetApi[models.Website, models.WebsiteDraft, models.WebsitePatch]: ...
    @overload
    def facet(self, name: str, user: str = ...) -> AsyncFacetApi[Entry, Draft, Patch]: ...
# END facet overloads
    def facet(self, name: str, user: str = "me") -> AsyncFacetApi[Any, Any, Any]:
        """The entries of any of the 19 facets, by collection name (``"skills"``)."""
        facet, entry, draft, patch = facet_classes(name)
        return AsyncFacetApi(self._open(), facet, user, entry, draft, patch)

    def certifications(
        self, user: str = "me"
    ) -> AsyncFacetApi[Certification, CertificationDraft, CertificationPatch]:
        """The user's certifications."""
        native = self._open()
        return AsyncFacetApi(
            native, "certifications", user, Certification, CertificationDraft, CertificationPatch
        )

    def awards(self, user: str = "me") -> AsyncFacetApi[Award, AwardDraft, AwardPatch]:
        """The user's awards."""
        return AsyncFacetApi(self._open(), "awards", user, Award, AwardDraft, AwardPatch)

    @overload
    async def sync(
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
    async def sync(
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
    async def sync(
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
    async def sync(
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
        """The asyncio form of :meth:`graph_profile.Client.sync`.  Cancelling the
        awaiting task abandons the writes in flight; run again with the same
        ``journal`` to finish."""
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
            text: str = await native.sync_plan_async(request)
            return _sync.Plan._read(text)
        report: str = await native.sync_apply_async(request)
        return _sync.ApplyReport._read(report)

    async def expiring(
        self,
        users: str | Iterable[str] | None = None,
        *,
        within_days: int = 30,
        include_expired: bool = True,
        as_of: datetime.date | None = None,
    ) -> _sync.ExpiryReport:
        """The asyncio form of :meth:`graph_profile.Client.expiring`."""
        native = self._open()
        from . import sync as _sync

        request = _sync.expiry_request(
            users, within_days=within_days, include_expired=include_expired, as_of=as_of
        )
        text: str = await native.expiry_async(request)
        return _sync.ExpiryReport._read(text)

    async def close(self) -> None:
        """Lets go of the connections.  Calls after this raise ``ConfigError``."""
        self._native = None

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

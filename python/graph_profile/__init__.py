"""graph_profile: typed, validated access to the Microsoft Graph profile API.

Certifications, awards and the other 17 profile facets of a user, with the
Graph logic (validation, encoding, retries, paging, batching) in a compiled Rust
core.  Start with :class:`Client` (blocking) or :class:`AsyncClient` (asyncio)::

    import datetime
    import graph_profile as gp

    with gp.Client(token) as client:
        certifications = client.certifications("adele.vance@contoso.com")
        created = certifications.create(gp.CertificationDraft(
            display_name="Microsoft Certified: Azure Administrator Associate",
            issued_date=datetime.date(2025, 4, 28),
        ))

Bulk work, from CSV or JSON rows: ``client.sync(rows)`` (results in
:mod:`graph_profile.sync`), and ``client.expiring(users, within_days=30)`` for
certifications about to expire.

Logs go to the ``graph_profile`` logger of :mod:`logging` (once the application has
imported :mod:`logging` when it makes a client); tokens are never logged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import models
from ._config import (
    AccessTokenLike,
    ClientCredentials,
    Cloud,
    DeviceCode,
    DeviceCodePrompt,
    TokenCredential,
    TokenSource,
)
from .aio import AsyncClient, AsyncFacetApi
from .client import Client, FacetApi
from .errors import (
    CancelledError,
    ConfigError,
    ConflictError,
    FailedDependencyError,
    ForbiddenError,
    GraphProfileError,
    NotFoundError,
    ServiceError,
    ThrottledError,
    TimeoutError,
    TransportError,
    UnauthorizedError,
    ValidationError,
)
# BEGIN model imports (tools/gen_stubs.py)
from .models import (
    Account,
    AccountDraft,
    AccountPatch,
    Address,
    AddressDraft,
    AddressPatch,
    Anniversary,
    AnniversaryDraft,
    AnniversaryPatch,
    Award,
    AwardDraft,
    AwardPatch,
    Certification,
    CertificationDraft,
    CertificationPatch,
    EducationalActivity,
    EducationalActivityDraft,
    EducationalActivityPatch,
    Email,
    EmailDraft,
    EmailPatch,
    Interest,
    InterestDraft,
    InterestPatch,
    Language,
    LanguageDraft,
    LanguagePatch,
    PersonName,
    PersonNameDraft,
    PersonNamePatch,
    Note,
    NoteDraft,
    NotePatch,
    Patent,
    PatentDraft,
    PatentPatch,
    Phone,
    PhoneDraft,
    PhonePatch,
    Position,
    PositionDraft,
    PositionPatch,
    Project,
    ProjectDraft,
    ProjectPatch,
    Publication,
    PublicationDraft,
    PublicationPatch,
    Skill,
    SkillDraft,
    SkillPatch,
    WebAccount,
    WebAccountDraft,
    WebAccountPatch,
    Website,
    WebsiteDraft,
    WebsitePatch,
)
# END model imports
from .models import UNSET, AllowedAudiences, Draft, Entry, Patch, Unset

if TYPE_CHECKING:
    from . import sync


def __getattr__(name: str) -> Any:
    # `graph_profile.sync` (results of Client.sync) loads on first use: its dataclasses
    # would add about 15 ms to every `import graph_profile`.
    if name == "sync":
        import importlib

        return importlib.import_module(".sync", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: The 19 facet collection names, as ``Client.facet`` takes them.
FACETS: tuple[str, ...] = tuple(models.ENTRY_CLASSES)

__version__ = "0.1.0"

# BEGIN __all__ (tools/gen_stubs.py)
__all__ = [
    "AccessTokenLike",
    "Account",
    "AccountDraft",
    "AccountPatch",
    "Address",
    "AddressDraft",
    "AddressPatch",
    "AllowedAudiences",
    "Anniversary",
    "AnniversaryDraft",
    "AnniversaryPatch",
    "AsyncClient",
    "AsyncFacetApi",
    "Award",
    "AwardDraft",
    "AwardPatch",
    "CancelledError",
    "Certification",
    "CertificationDraft",
    "CertificationPatch",
    "Client",
    "ClientCredentials",
    "Cloud",
    "ConfigError",
    "ConflictError",
    "DeviceCode",
    "DeviceCodePrompt",
    "Draft",
    "EducationalActivity",
    "EducationalActivityDraft",
    "EducationalActivityPatch",
    "Email",
    "EmailDraft",
    "EmailPatch",
    "Entry",
    "FACETS",
    "FacetApi",
    "FailedDependencyError",
    "ForbiddenError",
    "GraphProfileError",
    "Interest",
    "InterestDraft",
    "InterestPatch",
    "Language",
    "LanguageDraft",
    "LanguagePatch",
    "NotFoundError",
    "Note",
    "NoteDraft",
    "NotePatch",
    "Patch",
    "Patent",
    "PatentDraft",
    "PatentPatch",
    "PersonName",
    "PersonNameDraft",
    "PersonNamePatch",
    "Phone",
    "PhoneDraft",
    "PhonePatch",
    "Position",
    "PositionDraft",
    "PositionPatch",
    "Project",
    "ProjectDraft",
    "ProjectPatch",
    "Publication",
    "PublicationDraft",
    "PublicationPatch",
    "ServiceError",
    "Skill",
    "SkillDraft",
    "SkillPatch",
    "ThrottledError",
    "TimeoutError",
    "TokenCredential",
    "TokenSource",
    "TransportError",
    "UNSET",
    "UnauthorizedError",
    "Unset",
    "ValidationError",
    "WebAccount",
    "WebAccountDraft",
    "WebAccountPatch",
    "Website",
    "WebsiteDraft",
    "WebsitePatch",
    "models",
    "sync",
]
# END __all__

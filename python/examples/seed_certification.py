"""Adds the MS-401 certification and the Topedia award to a user, moves the
certification's end date, lists both facets, then removes what it added.

    GRAPH_TOKEN=... python examples/seed_certification.py adele.vance@contoso.com
"""

from __future__ import annotations

import datetime
import os
import sys

import graph_profile as gp


def main(user: str) -> None:
    graph_url = os.environ.get("GRAPH_URL")  # the emulator's, for a trial run
    with gp.Client(os.environ["GRAPH_TOKEN"], graph_url=graph_url) as client:
        certifications = client.certifications(user)
        certification = certifications.create(
            gp.CertificationDraft(
                display_name="Microsoft Certified: Information Security Administrator Associate",
                certification_id="exam.ms-401",
                issued_date=datetime.date(2025, 4, 28),
                end_date=datetime.date(2027, 4, 29),
                allowed_audiences=gp.AllowedAudiences.ORGANIZATION,
            )
        )
        award = client.awards(user).create(
            gp.AwardDraft(
                display_name="Introducing Topedia Blog",
                issued_date=datetime.date(2020, 4, 1),
                allowed_audiences=gp.AllowedAudiences.EVERYONE,
                is_searchable=False,
            )
        )
        assert certification.id is not None and award.id is not None

        moved = certifications.update(
            certification.id, gp.CertificationPatch(end_date=datetime.date(2028, 4, 29))
        )
        print(f"{moved.display_name}: valid until {moved.end_date}")
        for entry in certifications:
            print("certification:", entry.display_name, entry.issued_date)

        # The generic accessor is typed per facet: these are `Skill` objects.
        for skill in client.facet("skills", user).list(orderby="displayName"):
            print("skill:", skill.display_name, skill.proficiency or "")

        certifications.delete(certification.id)
        client.awards(user).delete(award.id)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "me")

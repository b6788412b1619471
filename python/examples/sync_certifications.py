"""Syncs a user's certifications from CSV rows: shows the plan, applies it, lists the
certifications expiring within 90 days, then removes what it added.

    GRAPH_TOKEN=... python examples/sync_certifications.py adele.vance@contoso.com
"""

from __future__ import annotations

import datetime
import os
import sys

import graph_profile as gp


def rows(user: str, today: datetime.date) -> str:
    """Three certifications, one with a bad date: that row is reported, not applied."""
    soon = today + datetime.timedelta(days=45)
    return (
        "user,displayName,issuingAuthority,certificationId,issuedDate,endDate\n"
        f"{user},Example: Azure Administrator,Microsoft,example.az-104,2024-01-02,{soon}\n"
        f"{user},Example: Security Engineer,Microsoft,example.az-500,2024-02-30,\n"
        f"{user},Example: Solutions Architect,Microsoft,example.az-305,2024-03-01,2030-03-01\n"
    )


def main(user: str) -> None:
    graph_url = os.environ.get("GRAPH_URL")  # the emulator's, for a trial run
    today = datetime.datetime.now(datetime.timezone.utc).date()
    with gp.Client(os.environ["GRAPH_TOKEN"], graph_url=graph_url) as client:
        source = rows(user, today)

        plan = client.sync(source, facet="certifications", plan_only=True)
        for item in plan.items:
            print(f"plan: {item.action} {item.key} (line {item.line})")
        for error in plan.errors:
            print(f"bad row: {error}")

        report = client.sync(source, facet="certifications")
        summary = report.summary
        print(f"applied: {summary.created} created, {summary.updated} updated, "
              f"{summary.bad_rows} bad rows, succeeded: {report.succeeded}")

        expiry = client.expiring(user, within_days=90, include_expired=False)
        for row in expiry.certifications:
            print(f"expiring: {row.display_name} on {row.end_date} ({row.days_left} days)")

        certifications = client.certifications(user)
        for outcome in report.outcomes:
            if outcome.outcome == "created" and outcome.entry_id:
                certifications.delete(outcome.entry_id)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "me")

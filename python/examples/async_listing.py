"""Lists every facet of a user concurrently with the asyncio client.

    GRAPH_TOKEN=... python examples/async_listing.py adele.vance@contoso.com
"""

from __future__ import annotations

import asyncio
import os
import sys

import graph_profile as gp


async def count(client: gp.AsyncClient, facet: str, user: str) -> tuple[str, int]:
    entries = await client.facet(facet, user).list()
    return facet, len(entries)


async def main(user: str) -> None:
    async with gp.AsyncClient(
        token_provider=lambda: os.environ["GRAPH_TOKEN"], graph_url=os.environ.get("GRAPH_URL")
    ) as client:
        counts = await asyncio.gather(*(count(client, facet, user) for facet in gp.FACETS))
        for facet, total in counts:
            print(f"{facet}: {total}")
        async for certification in client.certifications(user):
            print(certification.display_name, certification.end_date)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "me"))

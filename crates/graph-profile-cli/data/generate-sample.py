#!/usr/bin/env python3
"""Writes sample-certifications.csv: the bundled list `graph-profile demo` syncs.

About 200 people of contoso.com and 600 entries (certifications and awards), with
dates around 2026-12-01: some certifications already expired, some expiring within
30 days of it, most later.  The demo moves every date by the days between
2026-12-01 and today, so the report looks the same whenever it runs.

Deterministic: the same seed gives the same file.  Run from this folder:
    python3 generate-sample.py > sample-certifications.csv
"""

import csv
import datetime
import random
import sys
import unicodedata

REFERENCE = datetime.date(2026, 12, 1)
PEOPLE = 200
ENTRIES = 600

FIRST = """Adele Alex Allan Amara Ana Andre Anika Arjun Ben Bianca Carlos Chen Chloe Daniel
Diego Elena Emeka Emma Farah Fatima Felix Grace Hana Hannah Hiro Ines Isaac Ivan Jae
Jamal José Julia Kai Karin Kenji Lars Layla Lena Leo Liam Lucía Mads Maria Mateo Megan
Mei Mia Miguel Nadia Naledi Nils Noah Olga Omar Oscar Priya Rafael Ravi Rosa Sam Sara
Sofia Sven Tariq Tomás Uma Valentina Wei Yara Yusuf Zoe""".split()

LAST = """Vance Bowen Wilber Steele Adams Nakamura O'Brien Okafor Müller García Kowalski
Chen Patel Haddad Johansson Rossi Silva Novak Dubois Kim Ivanova Mensah Schmidt Tanaka
Fernández Nguyen Larsen Costa Khan Abebe Murphy Lindqvist Moreau Sato Petrov Ahmed
Oliveira Jensen Kaur Walker Brennan Hoffmann Yilmaz Santos Park Eriksen Ali Fischer
Andersen Romero""".split()

# (display name, issuing authority, credential id prefix, years valid; 0: no expiry)
CERTIFICATIONS = [
    ("Microsoft Certified: Azure Administrator Associate", "Microsoft", "AZ-104", 1),
    ("Microsoft Certified: Azure Solutions Architect Expert", "Microsoft", "AZ-305", 1),
    ("Microsoft Certified: Azure Developer Associate", "Microsoft", "AZ-204", 1),
    ("Microsoft Certified: Azure Security Engineer Associate", "Microsoft", "AZ-500", 1),
    ("Microsoft 365 Certified: Administrator Expert", "Microsoft", "MS-102", 1),
    ("AWS Certified Solutions Architect – Associate", "Amazon Web Services", "AWS-SAA", 3),
    ("Certified Kubernetes Administrator (CKA)", "The Linux Foundation", "LF-CKA", 2),
    ("Certified Kubernetes Application Developer (CKAD)", "The Linux Foundation", "LF-CKAD", 2),
    ("CISSP", "ISC2", "ISC2", 3),
    ("Certified Information Security Manager (CISM)", "ISACA", "CISM", 3),
    ("Project Management Professional (PMP)", "Project Management Institute", "PMP", 3),
    ("ITIL 4 Foundation", "PeopleCert", "", 0),
    ("Professional Cloud Architect", "Google Cloud", "GCP-PCA", 2),
    ("Certified ScrumMaster", "Scrum Alliance", "CSM", 2),
    ("CompTIA Security+", "CompTIA", "COMP-SEC", 3),
    ("HashiCorp Certified: Terraform Associate", "HashiCorp", "HC-TA", 2),
    ("Cisco Certified Network Associate (CCNA)", "Cisco", "CSCO", 3),
]

AWARDS = [
    ("Innovation Award", "Contoso", "For a new idea that shipped and changed how a team works."),
    ("Customer Hero", "Contoso", "Named by a customer for going far beyond the contract."),
    ("President's Club", "Contoso Sales", "Top ten percent of the field organization."),
    ("Mentor of the Year", "Contoso People Team", "Nominated by those mentored."),
    ("Hackathon Winner", "Contoso Garage", "First place, company-wide hackathon."),
    ("Patent Award", "Contoso Legal", "Named inventor on a granted patent."),
    ("MVP", "Microsoft", "Most Valuable Professional, for community contributions."),
    ("Speaker of the Year", "Contoso Tech Summit", "Highest-rated session of the summit."),
]


def ascii_name(text):
    """`José O'Brien` -> `jose.obrien`: the local part of a UPN."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum() or c == ".")


def main():
    rng = random.Random(20261201)

    people = []
    taken = set()
    while len(people) < PEOPLE:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        upn = f"{ascii_name(first)}.{ascii_name(last)}@contoso.com"
        if upn in taken:
            continue
        taken.add(upn)
        people.append(upn)

    rows = []
    per_person = {upn: set() for upn in people}
    # Everyone gets at least one entry; the rest are spread at random.
    order = people + [rng.choice(people) for _ in range(ENTRIES - PEOPLE)]
    for upn in order:
        while True:
            if rng.random() < 0.7:
                name, authority, prefix, years = rng.choice(CERTIFICATIONS)
                key = ("c", name)
            else:
                name, authority, description = rng.choice(AWARDS)
                key = ("a", name)
            if key not in per_person[upn]:
                per_person[upn].add(key)
                break

        if key[0] == "c":
            # Where the expiry falls: expired, soon, or later.
            roll = rng.random()
            if years == 0:
                end = None
                issued = REFERENCE - datetime.timedelta(days=rng.randint(30, 1500))
            else:
                if roll < 0.12:
                    end = REFERENCE - datetime.timedelta(days=rng.randint(1, 200))
                elif roll < 0.27:
                    end = REFERENCE + datetime.timedelta(days=rng.randint(0, 30))
                else:
                    end = REFERENCE + datetime.timedelta(days=rng.randint(31, 700))
                issued = end - datetime.timedelta(days=365 * years)
            credential = ""
            if prefix and rng.random() < 0.85:
                credential = f"{prefix}-{rng.randrange(16**6):06X}"
            rows.append([upn, "certifications", name, authority, credential,
                         issued.isoformat(), end.isoformat() if end else "", ""])
        else:
            issued = REFERENCE - datetime.timedelta(days=rng.randint(10, 2000))
            title = f"{name} {issued.year}" if name != "MVP" else name
            rows.append([upn, "awards", title, authority, "", issued.isoformat(), "",
                         description])

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["user", "facet", "displayName", "issuingAuthority", "certificationId",
                     "issuedDate", "endDate", "description"])
    writer.writerows(rows)


if __name__ == "__main__":
    main()

"""The sources behind every figure on Noticed's awareness pages.

Each figure shown to readers is followed by a short citation (the ``cite`` macro in
``templates/_macros/content.html``) that links to its entry on the Sources page, and
each page ends with its own list of sources (``page_sources``). Both read this dict.

Conventions:
- ids are short kebab-case, usually publisher + topic + year ("fbi-preattack-2018");
  the Sources page anchors each entry as ``#src-<id>``.
- exact titles, publishers and years stay in English: they are citations, not translated,
  and pages mark them lang="en" dir="ltr" so a screen reader reads them as English.
- a ``description`` (shown in [square brackets]) stands where we did not confirm the exact
  title (a web page, a program's published figures): we wrote it, so it is translated.
- ``year`` is the year of publication, or a range for yearly reports; "" for a
  service's web page with no date.
- ``url`` points only to the publisher's own page, and only where we are confident
  of it; otherwise None. The Sources page is the only page that links to other hosts.

Add a source here before citing it in a template, and keep the short label used in
citations in step (``SHORT_LABELS`` in ``templates/_macros/content.html``).
"""
from __future__ import annotations

from typing import NamedTuple

from flask_babel import lazy_gettext as _l


class Source(NamedTuple):
    title: str  # the exact title, in English; or a translated description we wrote
    publisher: str
    year: str
    url: str | None

    @property
    def described(self) -> bool:
        """Whether the title is our own description (translated), not the source's title."""
        return not isinstance(self.title, str)


_NTAC = "U.S. Secret Service, National Threat Assessment Center"
_NTAC_URL = "https://www.secretservice.gov/protection/ntac"

SOURCES: dict[str, Source] = {
    # The toolkit Noticed implements, and RAND's later commentary on it.
    "rand-toolkit-2022": Source(
        title="Mass Attacks Defense Toolkit",
        publisher="RAND Corporation, for the U.S. Department of Justice, National Institute of Justice",
        year="2022",
        url="https://www.rand.org/pubs/tools/TLA1613-1.html",
    ),
    "rand-hollywood-2024": Source(
        title="Advance Detection and Reporting Are Key to Preventing Attacks",
        publisher="RAND Corporation (commentary by John S. Hollywood)",
        year="2024",
        url=None,
    ),
    # What attackers did beforehand.
    "fbi-preattack-2018": Source(
        title=(
            "A Study of the Pre-Attack Behaviors of Active Shooters in the United States "
            "Between 2000 and 2013"
        ),
        publisher="Federal Bureau of Investigation, U.S. Department of Justice (Silver, Simons & Craun)",
        year="2018",
        url="https://www.fbi.gov/file-repository/pre-attack-behaviors-of-active-shooters-in-us-2000-2013.pdf/view",
    ),
    "ntac-guide-2018": Source(
        title=(
            "Enhancing School Safety Using a Threat Assessment Model: An Operational Guide "
            "for Preventing Targeted School Violence"
        ),
        publisher=_NTAC,
        year="2018",
        url=_NTAC_URL,
    ),
    "ntac-schools-2019": Source(
        title="Protecting America's Schools: A U.S. Secret Service Analysis of Targeted School Violence",
        publisher=_NTAC,
        year="2019",
        url=_NTAC_URL,
    ),
    "ntac-averting-2021": Source(
        title="Averting Targeted School Violence: A U.S. Secret Service Analysis of Plots Against Schools",
        publisher=_NTAC,
        year="2021",
        url=_NTAC_URL,
    ),
    "ntac-mass-attacks-2023": Source(
        title="Mass Attacks in Public Spaces: 2016–2020",
        publisher=_NTAC,
        year="2023",
        url=_NTAC_URL,
    ),
    # Mental health.
    "samhsa-2017": Source(
        title="Mass Violence and Behavioral Health (Disaster Technical Assistance Center Supplemental Research Bulletin)",
        publisher="Substance Abuse and Mental Health Services Administration (SAMHSA)",
        year="2017",
        url=None,
    ),
    # Programs that receive reports, and research on them.
    "safe2tell": Source(
        title=_l("Safe2Tell annual reports, 2018–19 to 2024–25"),
        publisher="Colorado Attorney General's Office",
        year="2019–2025",
        url="https://safe2tell.org/",
    ),
    "sandy-hook-promise": Source(
        title=_l("Say Something Anonymous Reporting System: results published by the program"),
        publisher="Sandy Hook Promise",
        year="2023–2024",
        url="https://www.sandyhookpromise.org/",
    ),
    "thulin-2024": Source(
        title="Firearm-Related Tips in a Statewide School Anonymous Reporting System",
        publisher="Thulin, French, Messman, Masi & Heinze; Pediatrics (American Academy of Pediatrics)",
        year="2024",
        url="https://doi.org/10.1542/peds.2023-063861",
    ),
    "ok2say-2024": Source(
        title=_l("OK2SAY: tips received in 2024"),
        publisher="Michigan State Police",
        year="2024",
        url=None,
    ),
    # Help right now.
    "samhsa-988": Source(
        title="988 Suicide & Crisis Lifeline: Frequently Asked Questions",
        publisher="Substance Abuse and Mental Health Services Administration (SAMHSA)",
        year="2023",
        url="https://988lifeline.org/",
    ),
    "lifeline-what-to-expect": Source(
        title=_l("988 Lifeline: what to expect when you call, text or chat, in English and Spanish"),
        publisher="988 Suicide & Crisis Lifeline",
        year="",
        url="https://988lifeline.org/",
    ),
    "crisis-text-line": Source(
        title="Crisis Text Line",
        publisher="Crisis Text Line",
        year="",
        url="https://www.crisistextline.org/",
    ),
    "fbi-tips": Source(
        title=_l("Submitting a tip to the FBI: tips.fbi.gov and 1-800-CALL-FBI"),
        publisher="Federal Bureau of Investigation",
        year="",
        url="https://tips.fbi.gov/",
    ),
    # Public awareness campaigns.
    "dhs-campaign": Source(
        title=_l("Public awareness campaign: guidance and rules for using the campaign's trademarked slogan"),
        publisher="U.S. Department of Homeland Security",
        year="",
        url=None,
    ),
}

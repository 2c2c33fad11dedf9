"""The demo organisation of SPEC §11. Every person and office here is synthetic."""

from sen_server.accounts.service import OfficeSpec, UserSpec

OFFICES = [
    OfficeSpec("HQ", "Headquarters", "HQ"),
    OfficeSpec("IROC", "ICE Reporting and Operations Center", "IROC", parent="HQ"),
    OfficeSpec("INTEL-OPS", "ERO Intelligence Operations Unit", "INTEL_OPS", parent="HQ"),
    OfficeSpec("HSI-INTEL", "HSI Intelligence Investigations", "HSI_INTEL", parent="HQ"),
    OfficeSpec("OPA", "Office of Public Affairs", "OPA", parent="HQ"),
    OfficeSpec("OPR", "Office of Professional Responsibility", "OPR", parent="HQ"),
    OfficeSpec("SAC-NYC", "SAC New York", "HSI_SAC", "NYC", "HQ"),
    OfficeSpec("RAC-LI", "RAC Long Island", "HSI_RAC", "NYC", "SAC-NYC"),
    OfficeSpec("FOD-NYC", "FOD New York", "ERO_FOD", "NYC", "HQ"),
    OfficeSpec("FIG-NYC", "FIG New York", "FIG", "NYC", "SAC-NYC"),
    OfficeSpec("SAC-LAX", "SAC Los Angeles", "HSI_SAC", "LAX", "HQ"),
    OfficeSpec("RAC-RIV", "RAC Riverside", "HSI_RAC", "LAX", "SAC-LAX"),
    OfficeSpec("FOD-LAX", "FOD Los Angeles", "ERO_FOD", "LAX", "HQ"),
    OfficeSpec("FIG-LAX", "FIG Los Angeles", "FIG", "LAX", "SAC-LAX"),
]


def _area_users(area: str, rac: str, city: str) -> list[UserSpec]:
    a = area.lower()

    def person(
        username: str,
        name: str,
        title: str,
        program: str,
        roles: list[str],
        office: str,
        supervisor: str | None = None,
    ) -> UserSpec:
        return UserSpec(
            username=username,
            display_name=name,
            title=title,
            program=program,
            roles=roles,
            office=office,
            supervisor=supervisor,
            email=f"{username}@sen.example",
            phone="555-0100",
        )

    return [
        person(
            f"sac.{a}",
            f"{city} SAC (demo)",
            "Special Agent in Charge",
            "HSI",
            ["office_manager"],
            f"SAC-{area}",
        ),
        person(
            f"sup.{a}",
            f"{city} Group Supervisor (demo)",
            "Group Supervisor",
            "HSI",
            ["supervisor"],
            rac,
            f"sac.{a}",
        ),
        person(
            f"agent.{a}",
            f"{city} Special Agent (demo)",
            "Special Agent",
            "HSI",
            ["agent"],
            rac,
            f"sup.{a}",
        ),
        person(
            f"fod.{a}",
            f"{city} Field Office Director (demo)",
            "Field Office Director",
            "ERO",
            ["office_manager"],
            f"FOD-{area}",
        ),
        person(
            f"sdo.{a}",
            f"{city} Supervisory Detention Officer (demo)",
            "Supervisory Deportation Officer",
            "ERO",
            ["supervisor"],
            f"FOD-{area}",
        ),
        person(
            f"officer.{a}",
            f"{city} Deportation Officer (demo)",
            "Deportation Officer",
            "ERO",
            ["agent"],
            f"FOD-{area}",
            f"sdo.{a}",
        ),
        person(
            f"fig.{a}",
            f"{city} FIG Chief (demo)",
            "Group Supervisor, FIG",
            "HSI",
            ["office_manager"],
            f"FIG-{area}",
        ),
    ]


def _hq_users() -> list[UserSpec]:
    rows = [
        ("iroc.watch", "IROC Watch Officer (demo)", "Watch Officer", "HQ", ["iroc"], "IROC"),
        ("hq.hsi", "HSI HQ Agent (demo)", "Program Manager", "HSI", ["hq_agent"], "HQ"),
        (
            "intel.ops1",
            "Intel Analyst One (demo)",
            "Intelligence Analyst",
            "ERO",
            ["intel_ops"],
            "INTEL-OPS",
        ),
        (
            "intel.ops2",
            "Intel Analyst Two (demo)",
            "Intelligence Analyst",
            "ERO",
            ["intel_ops"],
            "INTEL-OPS",
        ),
        (
            "hsi.intel",
            "HSI Intel Analyst (demo)",
            "Intelligence Research Specialist",
            "HSI",
            ["hsi_intel"],
            "HSI-INTEL",
        ),
        (
            "pao",
            "Public Affairs Officer (demo)",
            "Public Affairs Officer",
            "HQ",
            ["public_affairs"],
            "OPA",
        ),
        ("opr", "OPR Investigator (demo)", "Special Agent, OPR", "HQ", ["opr"], "OPR"),
        ("stats", "Statistician (demo)", "Statistician", "HQ", ["statistician"], "HQ"),
        ("admin", "System Administrator (demo)", "Administrator", "HQ", ["admin"], "HQ"),
        ("isso", "Information System Security Officer (demo)", "ISSO", "HQ", ["auditor"], "HQ"),
    ]
    return [
        UserSpec(
            username=u,
            display_name=n,
            title=t,
            program=p,
            roles=r,
            office=o,
            email=f"{u}@sen.example",
            phone="555-0100",
        )
        for u, n, t, p, r, o in rows
    ]


USERS = _area_users("NYC", "RAC-LI", "New York") + _area_users("LAX", "RAC-RIV", "Los Angeles")
USERS += _hq_users()
# Order matters: a supervisor must exist before the people who report to them.
USERS.sort(key=lambda u: (u.supervisor is not None, u.supervisor or ""))

"""The fictional company's shape: its name, departments, job titles and the names of its people."""

from __future__ import annotations

from dataclasses import dataclass

COMPANY_NAME = "Larkspur Systems"
# A reserved TLD (RFC 2606), so no generated address can ever reach a real mailbox.
COMPANY_DOMAIN = "larkspur.example"


@dataclass(frozen=True)
class Department:
    name: str
    code: str
    cost_center: str
    head_title: str
    headcount_share: float
    manager_titles: tuple[str, ...]
    titles: tuple[str, ...]


DEPARTMENTS: tuple[Department, ...] = (
    Department(
        "Executive", "EXE", "CC-1000", "CEO", 0.01,
        ("Chief of Staff",), ("Executive Assistant", "Chief of Staff", "Strategy Associate"),
    ),
    Department(
        "Engineering", "ENG", "CC-2000", "CTO", 0.27,
        ("Engineering Manager", "Director of Engineering"),
        ("Software Engineer", "Senior Software Engineer", "Staff Engineer",
         "Site Reliability Engineer", "QA Engineer", "Data Engineer"),
    ),
    Department(
        "Product", "PRD", "CC-2100", "VP Product", 0.06,
        ("Group Product Manager",),
        ("Product Manager", "Senior Product Manager", "Product Analyst"),
    ),
    Department(
        "Design", "DES", "CC-2200", "Head of Design", 0.04,
        ("Design Manager",),
        ("Product Designer", "Senior Product Designer", "UX Researcher", "Brand Designer"),
    ),
    Department(
        "Sales", "SAL", "CC-3000", "CRO", 0.17,
        ("Sales Manager", "Regional Sales Director"),
        ("Account Executive", "Senior Account Executive", "Sales Development Representative",
         "Sales Engineer"),
    ),
    Department(
        "Marketing", "MKT", "CC-3100", "CMO", 0.08,
        ("Marketing Manager",),
        ("Content Marketing Manager", "Demand Generation Specialist", "Product Marketing Manager",
         "Marketing Operations Analyst"),
    ),
    Department(
        "Customer Success", "CS", "CC-3200", "VP Customer Success", 0.11,
        ("Support Manager", "Customer Success Lead"),
        ("Customer Success Manager", "Support Engineer", "Technical Account Manager",
         "Support Specialist"),
    ),
    Department(
        "Finance", "FIN", "CC-4000", "CFO", 0.05,
        ("Controller", "Finance Manager"),
        ("Financial Analyst", "Accountant", "Accounts Payable Specialist", "FP&A Analyst"),
    ),
    Department(
        "People", "PPL", "CC-4100", "CHRO", 0.04,
        ("People Partner Lead", "Talent Acquisition Manager"),
        ("People Partner", "Recruiter", "People Operations Specialist"),
    ),
    Department(
        "IT", "IT", "CC-4200", "CIO", 0.04,
        ("IT Manager",), ("IT Support Specialist", "Systems Administrator", "Security Engineer"),
    ),
    Department(
        "Legal", "LEG", "CC-4300", "General Counsel", 0.02,
        ("Senior Counsel",), ("Counsel", "Paralegal", "Compliance Analyst"),
    ),
    Department(
        "Operations", "OPS", "CC-5000", "COO", 0.05,
        ("Operations Manager",),
        ("Business Operations Analyst", "Workplace Coordinator", "Procurement Specialist"),
    ),
)  # fmt: skip

#: The executives who own business objectives; each heads a department above.
EXECUTIVE_TITLES: tuple[str, ...] = ("CEO", "CFO", "CMO", "CRO", "CHRO", "CTO", "CIO", "COO")

#: Where people work: (name, share of staff, UTC hour around which their working day is centred).
REGIONS: tuple[tuple[str, float, float], ...] = (
    ("US East", 0.55, 16.0),
    ("US West", 0.20, 19.0),
    ("Europe", 0.25, 11.0),
)
EUROPE = 2

FIRST_NAMES: tuple[str, ...] = (
    "Aaliyah", "Aaron", "Abigail", "Adam", "Adele", "Adrian", "Aisha", "Alan", "Alejandro", "Alex",
    "Alice", "Amara", "Amelia", "Amir", "Ana", "Andrea", "Andrew", "Anna", "Anthony", "Arjun",
    "Astrid", "Ava", "Benjamin", "Bianca", "Brian", "Bruno", "Camila", "Carlos", "Caroline",
    "Chen", "Chloe", "Christopher", "Claire", "Daniel", "David", "Diana", "Diego", "Dmitri",
    "Elena", "Eli", "Elif", "Elizabeth", "Emily", "Emma", "Eric", "Erik", "Ethan", "Eva", "Fatima",
    "Felix", "Fiona", "Gabriel", "Grace", "Hana", "Hannah", "Hassan", "Henry", "Hiroshi", "Ian",
    "Ines", "Isaac", "Isabella", "Ivan", "Jack", "James", "Jasmine", "Javier", "Jennifer",
    "Jessica", "Ji", "Joanna", "John", "Jonas", "Jordan", "Jose", "Joseph", "Julia", "Kai",
    "Karen", "Karim", "Katherine", "Kenji", "Kevin", "Laila", "Laura", "Leah", "Leo", "Liam",
    "Lina", "Lucas", "Lucy", "Luis", "Maria", "Mark", "Marta", "Mateo", "Matthew", "Maya", "Mei",
    "Michael", "Mia", "Mohammed", "Nadia", "Naomi", "Nathan", "Nikhil", "Nina", "Noah", "Nora",
    "Olivia", "Omar", "Oscar", "Pablo", "Paul", "Priya", "Rachel", "Rafael", "Ravi", "Rebecca",
    "Ricardo", "Rosa", "Ryan", "Samuel", "Sara", "Sebastian", "Sofia", "Sophie", "Stefan", "Sunil",
    "Tanya", "Thomas", "Tom", "Valentina", "Victor", "William", "Yara", "Yusuf", "Zara", "Zoe",
    "Zhang",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Adams", "Ahmed", "Alvarez", "Andersen", "Bailey", "Baker", "Becker", "Bennett", "Berg",
    "Brooks", "Brown", "Campbell", "Carter", "Castro", "Chen", "Clark", "Collins", "Cooper",
    "Costa", "Cruz", "Davies", "Diaz", "Dubois", "Edwards", "Evans", "Fernandez", "Fischer",
    "Fisher", "Flores", "Foster", "Garcia", "Gomez", "Gonzalez", "Gray", "Green", "Gupta", "Hall",
    "Hansen", "Harris", "Hayes", "Hernandez", "Hill", "Hoffmann", "Howard", "Hughes", "Ito",
    "Jackson", "Jensen", "Johnson", "Jones", "Kaur", "Kelly", "Khan", "Kim", "King", "Klein",
    "Kowalski", "Kumar", "Larsen", "Lee", "Lewis", "Li", "Lopez", "Martin", "Martinez", "Meyer",
    "Miller", "Mitchell", "Moore", "Morales", "Morgan", "Moreau", "Murphy", "Nakamura", "Nelson",
    "Nguyen", "Novak", "Ochieng", "Okafor", "Olsen", "Ortiz", "Park", "Patel", "Perez", "Petrov",
    "Phillips", "Ramirez", "Reed", "Reyes", "Richter", "Rivera", "Roberts", "Robinson",
    "Rodriguez", "Rossi", "Russo", "Sanchez", "Santos", "Sato", "Schmidt", "Schneider", "Scott",
    "Shah", "Silva", "Singh", "Smith", "Sousa", "Stewart", "Suzuki", "Tanaka", "Taylor", "Thomas",
    "Thompson", "Torres", "Turner", "Walker", "Wang", "Ward", "Watson", "Weber", "White",
    "Williams", "Wilson", "Wong", "Wright", "Wu", "Yamamoto", "Yang", "Young", "Zhang",
)  # fmt: skip

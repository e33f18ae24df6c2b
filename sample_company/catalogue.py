"""Real-world SaaS applications the sample company can own, with the traits it is built to show.

The first entries are the "core" applications every scale includes (even `tiny`), because they carry
the deliberate findings: overlapping tools, unused and over-allocated licenses, shadow IT, and the
spellings only the aliases file can resolve. Prices are list prices in USD per seat per month.
"""

# One row per application (objective) keeps these tables scannable; rows may be long.
# ruff: noqa: E501

from __future__ import annotations

from typing import NamedTuple


class CatalogueApp(NamedTuple):
    name: str
    vendor: str
    category: str
    price: float
    okta_name: str  # Okta integration key; "" when the company does not run it through Okta
    audience: str  # department codes, or "*" for everyone
    penetration: float  # share of the audience that gets the application
    usage: str  # D(aily), W(eekly) or M(onthly) habit of its users


_A = CatalogueApp

CATALOGUE: tuple[CatalogueApp, ...] = (
    # --- core: present at every scale ----------------------------------------------------------
    _A("Slack", "Slack Technologies, LLC", "Collaboration", 12.50, "slack", "*", 0.97, "D"),
    _A("Microsoft Teams", "Microsoft Corporation", "Collaboration", 4.00, "microsoft_teams", "SAL CS OPS FIN", 0.6, "D"),
    _A("Zoom", "Zoom Video Communications, Inc.", "Video Conferencing", 13.33, "zoomus", "*", 0.9, "D"),
    _A("Webex", "Cisco Systems, Inc.", "Video Conferencing", 14.50, "cisco_webex", "SAL CS", 0.5, "D"),
    _A("Google Meet", "Google LLC", "Video Conferencing", 0.0, "google_meet", "*", 0.6, "W"),
    _A("Google Workspace", "Google LLC", "Productivity", 14.00, "google", "*", 1.0, "D"),
    _A("Microsoft 365", "Microsoft Corporation", "Productivity", 36.00, "office365", "FIN SAL LEG OPS EXE", 0.9, "D"),
    _A("Asana", "Asana, Inc.", "Project Management", 24.99, "asana", "MKT OPS PPL", 0.7, "D"),
    _A("Monday.com", "monday.com Ltd.", "Project Management", 19.00, "mondaycom", "SAL CS", 0.35, "W"),
    _A("Trello", "Atlassian Pty Ltd", "Project Management", 5.00, "", "MKT DES", 0.3, "W"),
    _A("Jira", "Atlassian Pty Ltd", "Project Management", 8.15, "atlassian_jira_cloud", "ENG PRD DES IT", 0.95, "D"),
    _A("Confluence", "Atlassian Pty Ltd", "Knowledge Management", 6.05, "atlassian_confluence", "*", 0.7, "W"),
    _A("Salesforce", "Salesforce, Inc.", "CRM", 165.00, "salesforce", "SAL CS", 0.9, "D"),
    _A("HubSpot", "HubSpot, Inc.", "CRM", 90.00, "hubspot", "MKT SAL", 0.6, "D"),
    _A("Zendesk", "Zendesk, Inc.", "Customer Support", 55.00, "zendesk", "CS", 0.9, "D"),
    _A("Figma", "Figma, Inc.", "Design", 45.00, "figma", "DES PRD MKT ENG", 0.5, "D"),
    _A("Miro", "RealtimeBoard, Inc.", "Design", 16.00, "miro", "PRD DES ENG MKT", 0.6, "W"),
    _A("Adobe Creative Cloud", "Adobe Inc.", "Design", 89.99, "adobe_creative_cloud", "DES MKT", 0.8, "D"),
    _A("Canva", "Canva Pty Ltd", "Design", 15.00, "", "MKT SAL", 0.2, "W"),
    _A("Workday", "Workday, Inc.", "HR", 45.00, "workday", "*", 1.0, "M"),
    _A("Greenhouse", "Greenhouse Software, Inc.", "HR", 60.00, "greenhouse", "PPL ENG", 0.3, "W"),
    _A("Expensify", "Expensify, Inc.", "Travel & Expense", 9.00, "expensify", "*", 0.8, "M"),
    _A("NetSuite", "Oracle America, Inc.", "Finance", 129.00, "netsuite", "FIN", 0.9, "D"),
    _A("DocuSign", "DocuSign, Inc.", "E-signature", 40.00, "docusign", "SAL LEG FIN PPL", 0.5, "W"),
    _A("GitHub", "GitHub, Inc.", "Developer Tools", 21.00, "github_cloud", "ENG IT", 0.95, "D"),
    _A("Datadog", "Datadog, Inc.", "Observability", 23.00, "datadog", "ENG IT", 0.7, "D"),
    _A("1Password", "AgileBits Inc.", "Security", 7.99, "1password", "*", 0.95, "D"),
    _A("CrowdStrike Falcon", "CrowdStrike, Inc.", "Security", 8.99, "crowdstrike_falcon", "IT", 0.8, "W"),
    _A("Tableau", "Salesforce, Inc.", "Analytics", 75.00, "tableau_online", "FIN SAL OPS EXE", 0.4, "W"),
    _A("Looker", "Google LLC", "Analytics", 60.00, "looker", "PRD MKT", 0.5, "W"),
    _A("Box", "Box, Inc.", "File Storage", 20.00, "boxnet", "*", 0.6, "W"),
    _A("Dropbox", "Dropbox, Inc.", "File Storage", 15.00, "", "DES MKT", 0.2, "W"),
    _A("ChatGPT", "OpenAI, L.L.C.", "AI Assistants", 20.00, "", "*", 0.15, "D"),
    _A("Grammarly", "Grammarly, Inc.", "AI Assistants", 12.00, "", "MKT SAL CS", 0.1, "D"),
    _A("Calendly", "Calendly LLC", "Productivity", 10.00, "", "SAL CS PPL", 0.1, "W"),
    _A("Otter.ai", "Otter.ai, Inc.", "AI Assistants", 16.99, "", "SAL CS PRD", 0.08, "W"),
    _A("Notion", "Notion Labs, Inc.", "Knowledge Management", 10.00, "notion", "ENG PRD DES", 0.6, "W"),
    _A("Lucidchart", "Lucid Software Inc.", "Design", 9.00, "lucidchart", "ENG IT PRD OPS", 0.4, "W"),
    _A("Gong", "Gong.io Ltd.", "Sales Enablement", 100.00, "gong", "SAL", 0.8, "D"),
    _A("Smartsheet", "Smartsheet Inc.", "Project Management", 19.00, "smartsheet", "OPS FIN", 0.4, "W"),
    # --- the rest of a demo-sized company ------------------------------------------------------
    _A("Loom", "Loom, Inc.", "Collaboration", 12.50, "loom", "PRD ENG CS", 0.3, "W"),
    _A("RingCentral", "RingCentral, Inc.", "Telephony", 30.00, "ringcentral", "SAL CS", 0.6, "D"),
    _A("Dialpad", "Dialpad, Inc.", "Telephony", 23.00, "dialpad", "CS", 0.4, "D"),
    _A("Aircall", "Aircall SAS", "Telephony", 40.00, "aircall", "CS SAL", 0.3, "D"),
    _A("GoTo Meeting", "GoTo Technologies USA, Inc.", "Video Conferencing", 14.00, "gotomeeting", "SAL", 0.2, "W"),
    _A("Whereby", "Whereby AS", "Video Conferencing", 8.99, "", "CS PPL", 0.05, "W"),
    _A("Wrike", "Wrike, Inc.", "Project Management", 24.80, "wrike", "MKT", 0.3, "W"),
    _A("ClickUp", "Mango Technologies, Inc.", "Project Management", 12.00, "clickup", "OPS", 0.2, "W"),
    _A("Basecamp", "37signals LLC", "Project Management", 15.00, "", "MKT", 0.1, "W"),
    _A("Airtable", "Formagrid Inc.", "Productivity", 24.00, "airtable", "OPS MKT PRD", 0.3, "W"),
    _A("Productboard", "Productboard, Inc.", "Product Management", 59.00, "productboard", "PRD", 0.9, "W"),
    _A("Aha!", "Aha! Labs Inc.", "Product Management", 59.00, "aha", "PRD", 0.5, "W"),
    _A("Pendo", "Pendo.io, Inc.", "Product Analytics", 30.00, "pendo", "PRD", 0.7, "W"),
    _A("Linear", "Linear Orbit, Inc.", "Developer Tools", 10.00, "linear", "ENG PRD", 0.3, "D"),
    _A("Jira Service Management", "Atlassian Pty Ltd", "IT Service Management", 20.00, "atlassian_jsm", "IT CS", 0.4, "D"),
    _A("Guru", "Guru Technologies, Inc.", "Knowledge Management", 15.00, "guru", "CS SAL", 0.5, "W"),
    _A("Slab", "Slab, Inc.", "Knowledge Management", 8.00, "slab", "ENG", 0.2, "W"),
    _A("Coda", "Coda Project, Inc.", "Productivity", 12.00, "coda", "PRD", 0.2, "W"),
    _A("Evernote", "Evernote Corporation", "Productivity", 14.17, "", "*", 0.03, "W"),
    _A("Glean", "Glean Technologies, Inc.", "Knowledge Management", 40.00, "glean", "*", 0.3, "W"),
    _A("Egnyte", "Egnyte, Inc.", "File Storage", 20.00, "egnyte", "FIN LEG", 0.5, "W"),
    _A("WeTransfer", "WeTransfer B.V.", "File Storage", 12.00, "", "DES MKT", 0.15, "M"),
    _A("Sketch", "Sketch B.V.", "Design", 10.00, "", "DES", 0.3, "D"),
    _A("InVision", "InVision App, Inc.", "Design", 7.95, "invision", "DES", 0.3, "W"),
    _A("Framer", "Framer B.V.", "Design", 15.00, "", "DES MKT", 0.1, "W"),
    _A("Adobe Acrobat", "Adobe Inc.", "Productivity", 19.99, "adobe_acrobat", "LEG FIN SAL", 0.5, "W"),
    _A("Frame.io", "Adobe Inc.", "Design", 15.00, "", "MKT DES", 0.2, "W"),
    _A("Descript", "Descript, Inc.", "Design", 24.00, "", "MKT", 0.1, "W"),
    _A("Prezi", "Prezi Inc.", "Design", 15.00, "", "SAL", 0.05, "W"),
    _A("Pitch", "Pitch Software GmbH", "Productivity", 20.00, "", "PRD", 0.1, "W"),
    _A("Gamma", "Gamma Tech, Inc.", "AI Assistants", 10.00, "", "SAL MKT", 0.05, "W"),
    _A("Webflow", "Webflow, Inc.", "Marketing", 39.00, "webflow", "MKT", 0.4, "W"),
    _A("Pipedrive", "Pipedrive OU", "CRM", 49.00, "pipedrive", "SAL", 0.15, "D"),
    _A("Zoho CRM", "Zoho Corporation", "CRM", 40.00, "", "SAL", 0.03, "D"),
    _A("Outreach", "Outreach Corporation", "Sales Enablement", 100.00, "outreach", "SAL", 0.7, "D"),
    _A("Salesloft", "SalesLoft, Inc.", "Sales Enablement", 125.00, "salesloft", "SAL", 0.3, "D"),
    _A("ZoomInfo", "ZoomInfo Technologies LLC", "Sales Intelligence", 125.00, "zoominfo", "SAL MKT", 0.5, "D"),
    _A("LinkedIn Sales Navigator", "LinkedIn Corporation", "Sales Intelligence", 99.99, "linkedin_sales_navigator", "SAL", 0.6, "D"),
    _A("Clari", "Clari Inc.", "Sales Enablement", 80.00, "clari", "SAL EXE FIN", 0.5, "W"),
    _A("Highspot", "Highspot, Inc.", "Sales Enablement", 40.00, "highspot", "SAL MKT", 0.6, "W"),
    _A("Seismic", "Seismic Software, Inc.", "Sales Enablement", 50.00, "seismic", "SAL", 0.3, "W"),
    _A("PandaDoc", "PandaDoc Inc.", "E-signature", 49.00, "pandadoc", "SAL", 0.2, "W"),
    _A("Apollo.io", "Apollo.io, Inc.", "Sales Intelligence", 49.00, "", "SAL", 0.1, "D"),
    _A("Vidyard", "Vidyard Inc.", "Sales Enablement", 29.00, "", "SAL", 0.05, "W"),
    _A("DocSend", "Dropbox, Inc.", "Sales Enablement", 45.00, "docsend", "SAL", 0.2, "W"),
    _A("Chili Piper", "Chili Piper Inc.", "Sales Enablement", 30.00, "chilipiper", "SAL MKT", 0.3, "W"),
    _A("Marketo Engage", "Adobe Inc.", "Marketing", 100.00, "marketo", "MKT", 0.8, "D"),
    _A("Mailchimp", "The Rocket Science Group LLC", "Marketing", 20.00, "", "MKT", 0.2, "W"),
    _A("Hootsuite", "Hootsuite Inc.", "Marketing", 99.00, "hootsuite", "MKT", 0.4, "D"),
    _A("Sprout Social", "Sprout Social, Inc.", "Marketing", 249.00, "sprout_social", "MKT", 0.2, "D"),
    _A("Hotjar", "Hotjar Ltd", "Product Analytics", 32.00, "hotjar", "MKT PRD", 0.3, "W"),
    _A("Semrush", "Semrush Inc.", "Marketing", 129.95, "semrush", "MKT", 0.3, "W"),
    _A("Ahrefs", "Ahrefs Pte. Ltd.", "Marketing", 129.00, "", "MKT", 0.1, "W"),
    _A("Unbounce", "Unbounce Marketing Solutions Inc.", "Marketing", 99.00, "unbounce", "MKT", 0.2, "W"),
    _A("Contentful", "Contentful GmbH", "Marketing", 50.00, "contentful", "MKT ENG", 0.2, "W"),
    _A("Optimizely", "Optimizely, Inc.", "Marketing", 50.00, "optimizely", "MKT PRD", 0.2, "W"),
    _A("Braze", "Braze, Inc.", "Marketing", 60.00, "braze", "MKT", 0.3, "D"),
    _A("Cvent", "Cvent, Inc.", "Marketing", 80.00, "cvent", "MKT", 0.2, "M"),
    _A("6sense", "6sense Insights, Inc.", "Marketing", 100.00, "6sense", "MKT SAL", 0.3, "W"),
    _A("Buffer", "Buffer Inc.", "Marketing", 6.00, "", "MKT", 0.1, "W"),
    _A("Wistia", "Wistia, Inc.", "Marketing", 24.00, "wistia", "MKT", 0.2, "M"),
    _A("Vimeo", "Vimeo.com, Inc.", "Marketing", 20.00, "", "MKT", 0.1, "M"),
    _A("Bynder", "Bynder B.V.", "Marketing", 30.00, "bynder", "MKT", 0.5, "W"),
    _A("Gainsight", "Gainsight, Inc.", "Customer Success", 75.00, "gainsight", "CS", 0.9, "D"),
    _A("Intercom", "Intercom, Inc.", "Customer Support", 74.00, "intercom", "CS PRD", 0.5, "D"),
    _A("Freshdesk", "Freshworks Inc.", "Customer Support", 49.00, "freshdesk", "CS", 0.2, "W"),
    _A("Totango", "Totango, Inc.", "Customer Success", 50.00, "totango", "CS", 0.3, "W"),
    _A("Front", "FrontApp, Inc.", "Customer Support", 59.00, "front", "CS SAL", 0.2, "D"),
    _A("Statuspage", "Atlassian Pty Ltd", "Observability", 10.00, "statuspage", "ENG CS", 0.1, "M"),
    _A("Qualtrics", "Qualtrics, LLC", "Survey", 30.00, "qualtrics", "MKT PPL CS", 0.3, "M"),
    _A("SurveyMonkey", "SurveyMonkey Inc.", "Survey", 25.00, "", "MKT PPL", 0.1, "M"),
    _A("Typeform", "Typeform S.L.", "Survey", 29.00, "", "MKT", 0.1, "M"),
    _A("BambooHR", "BambooHR LLC", "HR", 10.00, "bamboohr", "PPL", 0.5, "M"),
    _A("Lattice", "Degree, Inc.", "HR", 11.00, "lattice", "*", 0.9, "M"),
    _A("Culture Amp", "Culture Amp Pty Ltd", "HR", 6.00, "cultureamp", "*", 0.8, "M"),
    _A("15Five", "15Five, Inc.", "HR", 8.00, "15five", "ENG", 0.3, "W"),
    _A("Lever", "Employ Inc.", "HR", 50.00, "lever", "PPL", 0.6, "W"),
    _A("Gusto", "Gusto, Inc.", "Payroll", 12.00, "gusto", "PPL FIN", 0.5, "M"),
    _A("Deel", "Deel, Inc.", "Payroll", 49.00, "deel", "PPL FIN", 0.5, "M"),
    _A("Personio", "Personio SE & Co. KG", "HR", 10.00, "personio", "PPL", 0.5, "M"),
    _A("LinkedIn Recruiter", "LinkedIn Corporation", "HR", 170.00, "linkedin_recruiter", "PPL", 0.6, "D"),
    _A("Workable", "Workable Software Ltd", "HR", 30.00, "", "PPL", 0.2, "W"),
    _A("Udemy Business", "Udemy, Inc.", "Learning", 30.00, "udemy_business", "*", 0.4, "M"),
    _A("LinkedIn Learning", "LinkedIn Corporation", "Learning", 30.00, "linkedin_learning", "*", 0.3, "M"),
    _A("Coursera", "Coursera Inc.", "Learning", 33.00, "", "ENG PRD", 0.05, "M"),
    _A("Checkr", "Checkr, Inc.", "HR", 30.00, "checkr", "PPL", 0.5, "M"),
    _A("Leapsome", "Leapsome GmbH", "HR", 8.00, "leapsome", "ENG PRD", 0.2, "M"),
    _A("Carta", "Carta, Inc.", "Finance", 20.00, "carta", "FIN EXE LEG", 0.5, "M"),
    _A("QuickBooks Online", "Intuit Inc.", "Finance", 90.00, "", "FIN", 0.3, "W"),
    _A("Xero", "Xero Limited", "Finance", 70.00, "", "FIN", 0.1, "W"),
    _A("Bill.com", "BILL Operations, LLC", "Finance", 55.00, "billcom", "FIN", 0.7, "W"),
    _A("Coupa", "Coupa Software Inc.", "Procurement", 60.00, "coupa", "FIN OPS", 0.4, "W"),
    _A("Navan", "Navan, Inc.", "Travel & Expense", 10.00, "navan", "*", 0.6, "M"),
    _A("SAP Concur", "SAP America, Inc.", "Travel & Expense", 12.00, "sap_concur", "SAL", 0.2, "M"),
    _A("Brex", "Brex Inc.", "Finance", 12.00, "brex", "FIN", 0.5, "W"),
    _A("Ramp", "Ramp Business Corporation", "Finance", 8.00, "ramp", "FIN OPS", 0.5, "W"),
    _A("Stripe", "Stripe, Inc.", "Payments", 30.00, "stripe", "FIN ENG", 0.2, "W"),
    _A("Avalara", "Avalara, Inc.", "Finance", 50.00, "avalara", "FIN", 0.5, "M"),
    _A("Anaplan", "Anaplan, Inc.", "Planning", 150.00, "anaplan", "FIN", 0.6, "W"),
    _A("Adaptive Planning", "Workday, Inc.", "Planning", 100.00, "workday_adaptive", "FIN", 0.5, "W"),
    _A("Tipalti", "Tipalti Inc.", "Finance", 40.00, "tipalti", "FIN", 0.4, "M"),
    _A("Zuora", "Zuora, Inc.", "Billing", 100.00, "zuora", "FIN", 0.4, "W"),
    _A("Chargebee", "Chargebee Inc.", "Billing", 60.00, "chargebee", "FIN", 0.2, "W"),
    _A("FloQast", "FloQast, Inc.", "Finance", 100.00, "floqast", "FIN", 0.6, "W"),
    _A("BlackLine", "BlackLine, Inc.", "Finance", 120.00, "blackline", "FIN", 0.3, "W"),
    _A("Ironclad", "Ironclad, Inc.", "Legal", 100.00, "ironclad", "LEG SAL", 0.3, "W"),
    _A("Juro", "Juro Online Ltd", "Legal", 60.00, "juro", "LEG", 0.4, "W"),
    _A("OneTrust", "OneTrust LLC", "Compliance", 50.00, "onetrust", "LEG IT", 0.3, "M"),
    _A("Vanta", "Vanta Inc.", "Compliance", 40.00, "vanta", "IT ENG LEG", 0.2, "W"),
    _A("Drata", "Drata Inc.", "Compliance", 35.00, "drata", "IT", 0.2, "W"),
    _A("KnowBe4", "KnowBe4, Inc.", "Security", 2.50, "knowbe4", "*", 0.95, "M"),
    _A("Snyk", "Snyk Ltd", "Security", 52.00, "snyk", "ENG", 0.4, "W"),
    _A("Wiz", "Wiz, Inc.", "Security", 60.00, "wiz", "IT ENG", 0.2, "W"),
    _A("Zscaler", "Zscaler, Inc.", "Security", 8.00, "zscaler", "IT", 0.3, "W"),
    _A("Cloudflare", "Cloudflare, Inc.", "Security", 20.00, "cloudflare", "ENG IT", 0.2, "W"),
    _A("Tenable", "Tenable, Inc.", "Security", 30.00, "tenable_io", "IT", 0.6, "W"),
    _A("Rapid7", "Rapid7, Inc.", "Security", 30.00, "rapid7", "IT", 0.4, "W"),
    _A("SentinelOne", "SentinelOne, Inc.", "Security", 6.00, "sentinelone", "IT", 0.4, "W"),
    _A("Proofpoint", "Proofpoint, Inc.", "Security", 4.00, "proofpoint", "IT", 0.5, "W"),
    _A("LastPass", "LastPass US LP", "Security", 4.00, "lastpass", "SAL CS", 0.3, "D"),
    _A("Netskope", "Netskope, Inc.", "Security", 10.00, "netskope", "IT", 0.3, "W"),
    _A("Jamf Pro", "Jamf Software, LLC", "IT Management", 7.89, "jamf_pro", "IT", 0.8, "D"),
    _A("Kandji", "Kandji, Inc.", "IT Management", 6.00, "kandji", "IT", 0.3, "W"),
    _A("ServiceNow", "ServiceNow, Inc.", "IT Service Management", 100.00, "servicenow", "IT", 0.9, "D"),
    _A("Freshservice", "Freshworks Inc.", "IT Service Management", 49.00, "freshservice", "IT", 0.3, "W"),
    _A("TeamViewer", "TeamViewer Germany GmbH", "IT Management", 24.90, "teamviewer", "IT", 0.5, "W"),
    _A("Zapier", "Zapier, Inc.", "Automation", 29.99, "zapier", "OPS MKT", 0.2, "W"),
    _A("Workato", "Workato, Inc.", "Automation", 100.00, "workato", "IT", 0.3, "W"),
    _A("Envoy", "Envoy, Inc.", "Workplace", 5.00, "envoy", "OPS", 0.3, "M"),
    _A("Simpplr", "Simpplr Inc.", "Intranet", 8.00, "simpplr", "*", 0.7, "W"),
    _A("GitLab", "GitLab Inc.", "Developer Tools", 29.00, "gitlab", "ENG", 0.15, "D"),
    _A("Bitbucket", "Atlassian Pty Ltd", "Developer Tools", 3.00, "bitbucket", "ENG", 0.1, "W"),
    _A("CircleCI", "Circle Internet Services, Inc.", "Developer Tools", 15.00, "circleci", "ENG", 0.4, "W"),
    _A("Postman", "Postman, Inc.", "Developer Tools", 14.00, "postman", "ENG", 0.5, "W"),
    _A("Sentry", "Functional Software, Inc.", "Observability", 26.00, "sentry", "ENG", 0.6, "D"),
    _A("JetBrains", "JetBrains s.r.o.", "Developer Tools", 24.90, "", "ENG", 0.4, "D"),
    _A("Docker", "Docker, Inc.", "Developer Tools", 9.00, "docker", "ENG", 0.6, "W"),
    _A("Vercel", "Vercel Inc.", "Developer Tools", 20.00, "vercel", "ENG", 0.15, "W"),
    _A("Netlify", "Netlify, Inc.", "Developer Tools", 19.00, "", "ENG MKT", 0.05, "W"),
    _A("LaunchDarkly", "Catamorphic Co.", "Developer Tools", 20.00, "launchdarkly", "ENG PRD", 0.4, "W"),
    _A("SonarCloud", "SonarSource SA", "Developer Tools", 10.00, "sonarcloud", "ENG", 0.3, "W"),
    _A("Terraform Cloud", "HashiCorp, Inc.", "Developer Tools", 20.00, "terraform_cloud", "ENG IT", 0.15, "W"),
    _A("Retool", "Retool, Inc.", "Developer Tools", 10.00, "retool", "ENG OPS", 0.1, "W"),
    _A("GitHub Copilot", "GitHub, Inc.", "AI Assistants", 19.00, "", "ENG", 0.6, "D"),
    _A("Cursor", "Anysphere, Inc.", "AI Assistants", 20.00, "", "ENG", 0.1, "D"),
    _A("Snowflake", "Snowflake Inc.", "Data Platform", 50.00, "snowflake", "ENG FIN", 0.2, "W"),
    _A("Databricks", "Databricks, Inc.", "Data Platform", 50.00, "databricks", "ENG", 0.15, "W"),
    _A("Fivetran", "Fivetran Inc.", "Data Platform", 30.00, "fivetran", "ENG", 0.05, "M"),
    _A("dbt Cloud", "dbt Labs, Inc.", "Data Platform", 100.00, "dbt_cloud", "ENG", 0.05, "W"),
    _A("MongoDB Atlas", "MongoDB, Inc.", "Cloud Infrastructure", 30.00, "mongodb_atlas", "ENG", 0.2, "W"),
    _A("Segment", "Twilio Inc.", "Data Platform", 120.00, "segment", "ENG MKT", 0.1, "W"),
    _A("Amazon Web Services", "Amazon Web Services, Inc.", "Cloud Infrastructure", 0.0, "amazon_aws", "ENG IT", 0.5, "D"),
    _A("Google Cloud", "Google LLC", "Cloud Infrastructure", 0.0, "google_cloud", "ENG", 0.2, "W"),
    _A("Heroku", "Salesforce, Inc.", "Cloud Infrastructure", 25.00, "heroku", "ENG", 0.1, "W"),
    _A("DigitalOcean", "DigitalOcean, LLC", "Cloud Infrastructure", 12.00, "", "ENG", 0.03, "W"),
    _A("New Relic", "New Relic, Inc.", "Observability", 49.00, "new_relic", "ENG", 0.2, "W"),
    _A("PagerDuty", "PagerDuty, Inc.", "Observability", 21.00, "pagerduty", "ENG IT", 0.5, "W"),
    _A("Splunk", "Splunk Inc.", "Observability", 150.00, "splunk", "IT ENG", 0.15, "W"),
    _A("Grafana Cloud", "Grafana Labs", "Observability", 19.00, "grafana", "ENG", 0.2, "W"),
    _A("Opsgenie", "Atlassian Pty Ltd", "Observability", 9.45, "opsgenie", "ENG", 0.2, "W"),
    _A("Sumo Logic", "Sumo Logic, Inc.", "Observability", 90.00, "sumologic", "IT", 0.1, "W"),
    _A("Honeycomb", "Hound Technology, Inc.", "Observability", 35.00, "honeycomb", "ENG", 0.1, "W"),
    _A("Power BI", "Microsoft Corporation", "Analytics", 10.00, "powerbi", "FIN OPS", 0.3, "W"),
    _A("Mode", "Mode Analytics, Inc.", "Analytics", 35.00, "mode", "ENG PRD", 0.1, "W"),
    _A("Amplitude", "Amplitude, Inc.", "Product Analytics", 50.00, "amplitude", "PRD MKT", 0.6, "W"),
    _A("Mixpanel", "Mixpanel, Inc.", "Product Analytics", 28.00, "mixpanel", "PRD", 0.3, "W"),
    _A("Metabase", "Metabase, Inc.", "Analytics", 10.00, "", "ENG", 0.05, "W"),
    _A("Heap", "Heap Inc.", "Product Analytics", 30.00, "heap", "PRD MKT", 0.2, "W"),
    _A("FullStory", "FullStory, Inc.", "Product Analytics", 30.00, "fullstory", "PRD CS", 0.2, "W"),
    _A("Google Analytics", "Google LLC", "Analytics", 0.0, "google_analytics", "MKT", 0.6, "W"),
    _A("Microsoft 365 Copilot", "Microsoft Corporation", "AI Assistants", 30.00, "", "EXE FIN SAL", 0.3, "D"),
    _A("Perplexity", "Perplexity AI, Inc.", "AI Assistants", 20.00, "", "*", 0.05, "D"),
    _A("Midjourney", "Midjourney, Inc.", "AI Assistants", 30.00, "", "MKT DES", 0.05, "W"),
    _A("Jasper", "Jasper AI, Inc.", "AI Assistants", 49.00, "", "MKT", 0.05, "W"),
    _A("Fireflies.ai", "Fireflies.ai Corp.", "AI Assistants", 18.00, "", "SAL", 0.05, "W"),
    _A("Claude", "Anthropic, PBC", "AI Assistants", 20.00, "", "ENG PRD", 0.05, "D"),
    _A("DeepL", "DeepL SE", "AI Assistants", 8.74, "", "*", 0.03, "W"),
    _A("Doodle", "Doodle AG", "Productivity", 6.95, "", "*", 0.02, "M"),
    _A("Todoist", "Doist Inc.", "Productivity", 4.00, "", "*", 0.02, "D"),
    _A("Snagit", "TechSmith Corporation", "Productivity", 5.00, "", "CS", 0.05, "W"),
    _A("Harvest", "Iridesco LLC", "Time Tracking", 12.00, "harvest", "OPS", 0.3, "W"),
    _A("Toggl Track", "Toggl OU", "Time Tracking", 9.00, "", "ENG", 0.03, "D"),
)  # fmt: skip

#: Number of leading catalogue entries every company includes.
CORE_COUNT = 40

#: Unsanctioned applications: no Okta app and no contract, only card expenses and survey answers.
SHADOW: frozenset[str] = frozenset(
    {
        "Trello", "Canva", "Dropbox", "ChatGPT", "Grammarly", "Calendly", "Otter.ai", "Whereby",
        "Basecamp", "Evernote", "WeTransfer", "Sketch", "Framer", "Descript", "Prezi", "Pitch",
        "Gamma", "Zoho CRM", "Apollo.io", "Vidyard", "Mailchimp", "Ahrefs", "Buffer", "Vimeo",
        "SurveyMonkey", "Typeform", "Workable", "Coursera", "Xero", "Netlify", "Cursor",
        "DigitalOcean", "Metabase", "Perplexity", "Midjourney", "Jasper", "Fireflies.ai", "Claude",
        "DeepL", "Doodle", "Todoist", "Snagit", "Toggl Track",
    }
)  # fmt: skip
#: Licensed and assigned in Okta, yet nobody ever signs in.
UNUSED: frozenset[str] = frozenset({"Webex", "Looker"})
#: More people assigned in Okta than seats bought.
OVER_ALLOCATED: frozenset[str] = frozenset({"Figma", "Miro"})
#: Sanctioned but without a contract of their own (bundled, free or paid by usage).
NO_CONTRACT: frozenset[str] = frozenset(
    {"Google Meet", "Amazon Web Services", "Google Cloud", "Google Analytics"}
)
#: Still used through Okta, but the only contract has expired.
LAPSED: frozenset[str] = frozenset({"Lucidchart"})
#: Applications with a second SKU (an add-on or a premium tier) besides their main contract.
SECOND_SKU: frozenset[str] = frozenset({"Zoom", "Microsoft 365", "Salesforce"})
#: Contracts nobody owns any more (owner_email left blank).
UNOWNED: frozenset[str] = frozenset({"Smartsheet"})
#: Applications some employees also buy on a company card although IT licenses them.
CARD_BOUGHT: frozenset[str] = frozenset({"Slack", "Zoom"})

#: Contract currency of vendors that bill from Europe; every other vendor bills mostly in USD.
CURRENCY: dict[str, str] = {
    "Miro": "EUR", "Personio": "EUR", "Leapsome": "EUR", "Contentful": "EUR", "TeamViewer": "EUR",
    "Pipedrive": "EUR", "Bynder": "EUR", "SonarCloud": "EUR", "JetBrains": "EUR", "Aircall": "EUR",
    "Juro": "GBP", "Snyk": "GBP", "Hotjar": "EUR",
}  # fmt: skip

#: Spellings pinned per source, for the examples the brief and the tests rely on.
FIXED_SPELLINGS: dict[str, dict[str, str]] = {
    "Slack": {
        "okta_apps.label": "Slack",
        "contracts.product": "Slack Technologies, LLC",
        "spend.vendor": "slack.com",
    },
    "Zoom": {"spend.vendor": "ZOOM.US"},
    "Microsoft 365": {"okta_apps.label": "Office 365"},
    "Salesforce": {
        "okta_apps.label": "Salesforce.com",
        "application_objectives.application": "SFDC",
    },
    "Adobe Creative Cloud": {"spend.product": "Adobe CC"},
}
#: How survey respondents sometimes name an application, in ways the matching rule cannot merge.
SURVEY_ALIASES: dict[str, str] = {
    "Microsoft Teams": "MS Teams",
    "Google Workspace": "GSuite",
    "Salesforce": "SFDC",
    "Microsoft 365": "Office 365",
}
#: The business-owned aliases file: every spelling above that `match_key` gets wrong.
ALIASES: dict[str, str] = {
    "MS Teams": "Microsoft Teams",
    "GSuite": "Google Workspace",
    "SFDC": "Salesforce",
    "Adobe CC": "Adobe Creative Cloud",
    "ZOOM.US": "Zoom",
    "Office 365": "Microsoft 365",
}
#: Real domains that differ from "<name>.com"; the others are derived from the name.
DOMAINS: dict[str, str] = {
    "Zoom": "zoom.us", "Notion": "notion.so", "Otter.ai": "otter.ai", "ChatGPT": "chatgpt.com",
    "Monday.com": "monday.com", "Apollo.io": "apollo.io", "Fireflies.ai": "fireflies.ai",
    "Linear": "linear.app", "Miro": "miro.com", "Gong": "gong.io", "Pendo": "pendo.io",
    "Sentry": "sentry.io", "Claude": "claude.ai", "Gamma": "gamma.app", "Coda": "coda.io",
    "Frame.io": "frame.io", "Vercel": "vercel.com", "Bill.com": "bill.com",
}  # fmt: skip

#: The department that owns the applications of each category (contract owner, generated apps).
CATEGORY_OWNER: dict[str, str] = {
    "Collaboration": "IT", "Video Conferencing": "IT", "Telephony": "CS",
    "Project Management": "OPS", "Product Management": "PRD", "Knowledge Management": "IT",
    "Productivity": "IT", "File Storage": "IT", "Design": "DES", "CRM": "SAL",
    "Sales Enablement": "SAL", "Sales Intelligence": "SAL", "E-signature": "LEG",
    "Marketing": "MKT", "Customer Support": "CS", "Customer Success": "CS", "Survey": "MKT",
    "HR": "PPL", "Learning": "PPL", "Payroll": "PPL", "Finance": "FIN", "Planning": "FIN",
    "Procurement": "FIN", "Travel & Expense": "FIN", "Billing": "FIN", "Payments": "FIN",
    "Legal": "LEG", "Compliance": "LEG", "Security": "IT", "IT Management": "IT",
    "IT Service Management": "IT", "Automation": "IT", "Developer Tools": "ENG",
    "Data Platform": "ENG", "Cloud Infrastructure": "ENG", "Observability": "ENG",
    "Analytics": "FIN", "Product Analytics": "PRD", "AI Assistants": "IT", "Intranet": "PPL",
    "Workplace": "OPS", "Time Tracking": "OPS",
}  # fmt: skip

#: Categories service accounts sign in to (integrations, CI, monitoring).
SERVICE_CATEGORIES: frozenset[str] = frozenset(
    {
        "Developer Tools",
        "Observability",
        "Data Platform",
        "Cloud Infrastructure",
        "Analytics",
        "CRM",
    }
)

#: Word parts for the extra, made-up applications of the M and L companies.
GENERATED_PREFIXES: tuple[str, ...] = (
    "Acu", "Bright", "Cinder", "Cobalt", "Crest", "Drift", "Echo", "Ember", "Fathom", "Flux",
    "Glint", "Granite", "Harbor", "Helix", "Indigo", "Juniper", "Kestrel", "Keystone", "Lumen",
    "Maple", "Meridian", "Nimbus", "North", "Onyx", "Orbit", "Pebble", "Pine", "Prism", "Quartz",
    "Quill", "Relay", "Ridge", "Sable", "Sierra", "Sparrow", "Summit", "Tandem", "Tidal", "Vela",
    "Willow",
)  # fmt: skip
GENERATED_SUFFIXES: tuple[str, ...] = (
    "base", "board", "cast", "desk", "dock", "flow", "forge", "grid", "hub", "lane", "ledger",
    "line", "loop", "metrics", "pilot", "point", "pulse", "scope", "sense", "stack", "sync",
    "track", "vault", "wise", "works",
)  # fmt: skip
GENERATED_LEGAL_FORMS: tuple[tuple[str, str], ...] = (
    ("Inc.", "USD"), ("LLC", "USD"), ("Technologies, Inc.", "USD"), ("Labs, Inc.", "USD"),
    ("Software Ltd", "GBP"), ("GmbH", "EUR"), ("Corp.", "USD"), ("Ltd", "GBP"),
)  # fmt: skip

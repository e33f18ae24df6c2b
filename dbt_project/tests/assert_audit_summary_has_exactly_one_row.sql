-- Readers take the summary's first row as the audit; two rows or none would mislead them.
select count(*) as row_count
from {{ ref('audit_summary') }}
having count(*) != 1

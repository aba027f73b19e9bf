-- 0025-company-order.sql: the organisers' list in the order of companies
-- read from one index. The company index of 0010 kept each row's status
-- beside its company key (for the company view to count each company's
-- from it) but not its name key: a page sorted by company read every row
-- of the first companies from the table to order them by name. This one
-- has the whole order (company, name, id) and still the status, so that a
-- page, its filter on status and the company view's counts are read from
-- the index alone.
DROP INDEX attendees_by_company;
CREATE INDEX attendees_by_company
	ON attendees(event_id, company_key, name_key, id, status);

"""涉企检查频次 (国办发〔2024〕54号: 合理确定检查频次、避免重复检查): how often each business is inspected across the
departments and levels — the justice bureau's figures of a period, for its region, each drilling down to its checks.

A **check** (检查) is an on-site visit whose result was reported, dated by its ``checked_on`` in the period; a
joint visit (联合检查) is one check however many departments' rows it has. A region's figures cover the businesses
located in its branch (:class:`.area.Area`: a registry code lying in the region or a region below it; at the root every
business, those outside the tree too), whichever department, of whatever level, checked them — with a row for each
region below, the figures grouped by region in the database (:func:`.figures.compute`). The business feels one history
across the levels, and so does the bureau's official: a county's figures count the city department's check of a
county business as the city's figures do, so that the city's row for the county is the county's own figures; and
they hold nothing of a business located elsewhere, whoever checked it.

The reads (:mod:`spotcheck.tenants.supervision.queries.burden`) open the bureau's branch and, below the root,
read-only, every department's rows about the businesses of its region (:attr:`.area.Area.prefix`, the scope's ``area``:
:class:`~spotcheck.core.scoping.AreaReadable`) — their visits and the campaigns of them, and for the draws' figures
the random campaigns, target draws and drawn targets as published of the departments that drew one of them; nothing
else of a department outside the branch (its other visits, its complaints, its inspectors). Every row a drill-down
lists names its departments with their level (``牡丹江市应急管理局（牡丹江市，市级）``). The bureau's other pages
keep to its branch. The definitions are
:data:`spotcheck.tenants.supervision.vocabulary.BURDEN_FIGURES`; the repeated draws' statistic is in
:mod:`spotcheck.tenants.supervision.repeated_draws`. The rules asked are the region's (``rules_for_region``) on the
period's day; a business's yearly cap is its own region's (:mod:`spotcheck.tenants.campaigns.inspection_counts`).

At a province's size (10,000,000 businesses, 1,000,000 visits a year) the figures are one statement over the
region's visits, read once (:func:`.figures._figures`: the checks by business, last year's, the businesses checked by
different departments within the window, by region), and one over the register (:func:`.checks._over_cap`); a check's
joint campaign is read only for a visit of a joint part (:func:`.checks._joint`), so that a department's own
campaigns — and an area's policies on them — are not read at all. The departments' own caps and the regions' rules
are asked at once (``rules_of_departments``), not one query a department.

The modules, each importing only those above it in this list:

* :mod:`.area` — 统计范围: the businesses a bureau's figures cover (:class:`~.area.Area`), its departments' labels,
  and the settings its statements run with;
* :mod:`.checks` — 检查: what the figures count, in SQL shared by the figures and their drill-downs — a check (a joint
  visit once), two checks of a business by different departments within the window, a business over a cap in the
  register;
* :mod:`.figures` — 涉企检查频次 figures: :func:`~.figures.compute`, a region's :class:`~.figures.Burden` with a
  :class:`~.figures.RegionFigures` row for each region below;
* :mod:`.drill_downs` — 企业与检查明细: the businesses and checks behind the figures (the most checked, a business's
  visits, the checks, the businesses checked repeatedly or over a cap);
* :mod:`.rows` — 明细表: the rows behind each figure (:data:`~.rows.ROWS`, :func:`~.rows.rows_of`,
  :func:`~.rows.business_rows`), as the pages list them.
"""

"""The regions (区划) a deployment covers: a tree of provinces, cities, counties and towns (省、市、县、乡), each
department attached to one of them. The bottom of the domains: rules, accounts and supervision read it."""

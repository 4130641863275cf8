"""The regions' pages (区划): the tree, and the platform administrator's loading of a tree file."""

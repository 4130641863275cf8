"""The regions' API (区划): the tree, and loading a tree file."""

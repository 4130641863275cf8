"""The one part of the package ``pyproject.toml`` cannot declare (its ``ext-modules`` table is experimental):
the draw's loops over every row of a frame in C (:file:`spotcheck/draw/_native.c`), on OpenSSL's SHA-256.
It needs a C compiler and OpenSSL's headers (Debian: gcc, libssl-dev; ``make install`` adds the headers when
they are missing). Where it is not built, the same draw runs in Python, slower (:mod:`spotcheck.draw.native`)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "spotcheck.draw._native",
            ["spotcheck/draw/_native.c"],
            libraries=["crypto"],
            extra_compile_args=["-O2"],
            optional=True,
        )
    ]
)

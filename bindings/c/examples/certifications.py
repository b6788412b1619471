"""Lists a user's certifications, creates one, and lists them again, through ctypes.

    GP_LIBRARY=target/debug/libgraph_profile.so GP_GRAPH_URL=... GP_TOKEN=... \
        python3 certifications.py [USER]

Shows that the C ABI is usable from a language other than C with nothing but the
standard library: strings go in as UTF-8 bytes, come back as pointers freed with
gp_string_free, and failures are read from the thread's last error.
"""

import ctypes
import json
import os
import sys

GP_OK = 0
GP_ABI_VERSION = 1


class GraphProfileError(Exception):
    """A failed call: the detail of gp_last_error_json()."""

    def __init__(self, function, detail):
        super().__init__(f"{function}: {detail['name']} ({detail['code']}): {detail['message']}")
        self.detail = detail


def load(path):
    """Loads the library and declares the functions this example calls."""
    lib = ctypes.CDLL(path)
    signatures = {
        "gp_abi_version": ([], ctypes.c_uint32),
        "gp_version": ([], ctypes.c_char_p),
        "gp_client_new": (
            [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
             ctypes.POINTER(ctypes.c_void_p)],
            ctypes.c_int32,
        ),
        "gp_client_free": ([ctypes.c_void_p], ctypes.c_int32),
        "gp_list": (
            [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
             ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)],
            ctypes.c_int32,
        ),
        "gp_create": (
            [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
             ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)],
            ctypes.c_int32,
        ),
        "gp_string_free": ([ctypes.c_void_p], ctypes.c_int32),
        "gp_last_error_json": ([], ctypes.c_char_p),
    }
    for name, (arguments, result) in signatures.items():
        function = getattr(lib, name)
        function.argtypes = arguments
        function.restype = result
    return lib


class Client:
    """A gp_client, with JSON in and out."""

    def __init__(self, lib, config):
        self.lib = lib
        handle = ctypes.c_void_p()
        self._check("gp_client_new", lib.gp_client_new(
            json.dumps(config).encode(), None, None, None, ctypes.byref(handle)))
        self.handle = handle

    def _check(self, function, code):
        if code != GP_OK:
            # Read on the same thread, right after the call: the protocol's one rule.
            raise GraphProfileError(function, json.loads(self.lib.gp_last_error_json()))

    def _take_string(self, pointer):
        """Copies a returned string and frees the library's copy."""
        try:
            return ctypes.string_at(pointer).decode()
        finally:
            self.lib.gp_string_free(pointer)

    def list(self, user, facet, query=None):
        out = ctypes.c_void_p()
        query_json = json.dumps(query).encode() if query is not None else None
        self._check("gp_list", self.lib.gp_list(
            self.handle, user.encode(), facet.encode(), query_json, None, ctypes.byref(out)))
        return json.loads(self._take_string(out))

    def create(self, user, facet, draft):
        out = ctypes.c_void_p()
        self._check("gp_create", self.lib.gp_create(
            self.handle, user.encode(), facet.encode(), json.dumps(draft).encode(), None,
            ctypes.byref(out)))
        return json.loads(self._take_string(out))

    def close(self):
        if self.handle:
            self.lib.gp_client_free(self.handle)
            self.handle = None


def main():
    user = sys.argv[1] if len(sys.argv) > 1 else "me"
    lib = load(os.environ.get("GP_LIBRARY", "libgraph_profile.so"))
    if lib.gp_abi_version() != GP_ABI_VERSION:
        sys.exit(f"libgraph_profile has ABI {lib.gp_abi_version()}, wanted {GP_ABI_VERSION}")
    print("libgraph_profile", lib.gp_version().decode())

    config = {"graphUrl": os.environ["GP_GRAPH_URL"],
              "auth": {"type": "token", "token": os.environ["GP_TOKEN"]}}
    client = Client(lib, config)
    try:
        select = {"select": ["id", "displayName"]}
        before = client.list(user, "certifications", select)
        print(f"{len(before)} certifications before")
        created = client.create(user, "certifications", {
            "displayName": "Certified Kubernetes Administrator",
            "issuingAuthority": "The Linux Foundation",
            "issuedDate": "2025-03-01",
        })
        print("created", created["id"], created["displayName"])
        after = client.list(user, "certifications", select)
        print(f"{len(after)} certifications after")
        if len(after) != len(before) + 1:
            sys.exit("the new certification is not in the list")

        try:
            client.list(user, "badges")
        except GraphProfileError as error:
            print("as expected:", error.detail["name"], "-", error.detail["message"][:60])
        else:
            sys.exit("an unknown facet was accepted")
    finally:
        client.close()


if __name__ == "__main__":
    main()

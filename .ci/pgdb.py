"""Create or drop a throw-away PostgreSQL database for one CI run; exit 1 when the server is unreachable."""

import sys

import psycopg
from psycopg import sql


def main(action: str, server_url: str, name: str) -> int:
    try:
        with psycopg.connect(f"{server_url}/postgres", autocommit=True, connect_timeout=10) as conn:
            if action == "create":
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            else:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(f"test_{name}")))
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL at {server_url} is unreachable: {exc}", file=sys.stderr)
        return 1
    print(f"{action}: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))

using System.Text;
using Replica.Postgres.Restore;
using Replica.Postgres.Restore.Plain;

namespace Replica.Postgres.Tests.Restore;

/// <summary>The plain-dump reader against the shapes psql accepts: quotes, dollar quotes, comments, meta-commands, COPY blocks.</summary>
public sealed class DumpReadingTests
{
    private static List<DumpItem> Read(string sql) =>
        new PlainDumpReader(new MemoryStream(Encoding.UTF8.GetBytes(sql))).Read().ToList();

    [Fact]
    public void Semicolons_inside_quotes_comments_and_dollar_quotes_do_not_end_a_statement()
    {
        var items = Read("""
            SELECT 'a;b', "x;y", E'it\'s;', $$ ; $$, $fn$ a $$ ; $fn$; -- trailing; comment
            CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$
            BEGIN
              RETURN 1; /* nested /* ; */ comment */
            END;
            $body$;
            SELECT 1;
            CREATE FUNCTION g(c int) RETURNS bigint LANGUAGE sql
              BEGIN ATOMIC
                SELECT CASE WHEN c > 0 THEN 1 ELSE 0 END; SELECT (1);
              END;
            BEGIN;
            """);
        var statements = items.OfType<SqlStatement>().Select(s => s.Text).ToList();
        Assert.Equal(5, statements.Count);
        Assert.EndsWith("END;", statements[3]);
        Assert.Equal("BEGIN;", statements[4]);
        Assert.StartsWith("SELECT 'a;b'", statements[0]);
        Assert.EndsWith("$body$;", statements[1]);
        Assert.Equal("SELECT 1;", statements[2]);
        Assert.Equal(7, items.OfType<SqlStatement>().ElementAt(2).Line);
    }

    [Fact]
    public void Copy_data_is_passed_through_and_counted_up_to_the_end_marker()
    {
        var items = Read("--\n-- Data for Name: t; Type: TABLE DATA; Schema: public; Owner: app\n--\n\nCOPY public.t (a, b) FROM stdin;\n1\t\\.x\n2\t\\\\.\n\\.\nSELECT 1;\n");
        var start = Assert.Single(items.OfType<CopyStart>());
        Assert.Equal("public.t", start.Table);
        Assert.Equal("TABLE DATA", start.Toc!.Type);
        Assert.Equal(5, start.Line);
        var data = string.Concat(items.OfType<CopyChunk>().Select(c => Encoding.UTF8.GetString(c.Buffer, 0, c.Length)));
        Assert.Equal("1\t\\.x\n2\t\\\\.\n", data);
        var end = Assert.Single(items.OfType<CopyEnd>());
        Assert.Equal(2, end.Rows);
        Assert.Equal("SELECT 1;", Assert.Single(items.OfType<SqlStatement>()).Text);
    }

    [Fact]
    public void Meta_commands_and_the_trailer_are_recognised()
    {
        var items = Read("\\restrict abc\nSELECT 1;\n\\connect -reuse-previous=on \"dbname='we''ird'\"\n--\n-- PostgreSQL database dump complete\n--\n\\unrestrict abc\n");
        var metas = items.OfType<MetaCommand>().ToList();
        Assert.Equal(["restrict", "connect", "unrestrict"], metas.Select(m => m.Name));
        Assert.Equal("we'ird", PlainRestore.ConnectTarget(metas[1].Argument));
        Assert.Equal("frag", PlainRestore.ConnectTarget("frag"));
        Assert.True(Assert.IsType<DumpEnd>(items[^1]).Complete);
    }

    [Fact]
    public void A_dump_cut_inside_copy_data_is_reported()
    {
        var e = Assert.Throws<DumpSyntaxException>(() => Read("COPY public.t (a) FROM stdin;\n1\n2\n"));
        Assert.Contains("public.t", e.Message);
    }

    [Fact]
    public void The_connecting_role_keeps_its_password_and_login()
    {
        const string alter = "ALTER ROLE postgres WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS PASSWORD 'SCRAM-SHA-256$4096:abc';";
        Assert.Equal("ALTER ROLE postgres WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS;", RoleStatements.KeepConnectingRole(alter, "postgres"));
        Assert.Equal(alter, RoleStatements.KeepConnectingRole(alter, "admin"));
        Assert.Equal("", RoleStatements.KeepConnectingRole("ALTER ROLE postgres WITH NOLOGIN PASSWORD 'x';", "postgres"));
        Assert.Equal("app", RoleStatements.CreatedRole("CREATE ROLE app;"));
        Assert.Equal("We\"ird", RoleStatements.CreatedRole("CREATE ROLE \"We\"\"ird\";"));
        Assert.Null(RoleStatements.CreatedRole("CREATE ROLE app WITH LOGIN;"));
    }
}

using Replica.Postgres.Restore;

namespace Replica.Postgres.Tests.Restore;

/// <summary>The roles named by statements in the forms pg_dump writes them.</summary>
public sealed class RoleReferenceTests
{
    [Theory]
    [InlineData("ALTER TABLE reporting.accounts OWNER TO app_owner;", "app_owner")]
    [InlineData("ALTER FUNCTION public.f(a integer, b text) OWNER TO \"Data \"\"Team\"\"\";", "Data \"Team\"")]
    [InlineData("GRANT SELECT ON TABLE reporting.accounts TO analyst;", "analyst")]
    [InlineData("GRANT SELECT(id),SELECT(name) ON TABLE reporting.accounts TO readonly_app;", "readonly_app")]
    [InlineData("GRANT SELECT,INSERT ON TABLE reporting.accounts TO \"Data Team\" WITH GRANT OPTION;", "Data Team")]
    [InlineData("GRANT USAGE ON SCHEMA reporting TO analyst, readonly_app;", "analyst readonly_app")]
    [InlineData("GRANT ALL ON SCHEMA public TO PUBLIC;", "")]
    [InlineData("REVOKE ALL ON TABLE reporting.accounts FROM app_owner;", "app_owner")]
    [InlineData("REVOKE USAGE ON SCHEMA public FROM PUBLIC;", "")]
    [InlineData("ALTER DEFAULT PRIVILEGES FOR ROLE app_owner IN SCHEMA reporting GRANT SELECT ON TABLES TO analyst;", "app_owner analyst")]
    [InlineData("ALTER DEFAULT PRIVILEGES FOR ROLE app_owner REVOKE ALL ON FUNCTIONS FROM PUBLIC;", "app_owner")]
    [InlineData("CREATE POLICY visible ON reporting.accounts FOR SELECT TO readonly_app USING ((id < 100));", "readonly_app")]
    [InlineData("CREATE POLICY p ON t AS RESTRICTIVE FOR ALL TO a, \"B\" WITH CHECK (true);", "a B")]
    [InlineData("SET SESSION AUTHORIZATION 'app_owner';", "app_owner")]
    [InlineData("SET SESSION AUTHORIZATION DEFAULT;", "")]
    [InlineData("CREATE TABLE owner_to (id int);", "")]
    [InlineData("COMMENT ON TABLE t IS 'GRANT SELECT ON t TO nobody;';", "")]
    [InlineData("ALTER TABLE ONLY t ALTER COLUMN id SET DEFAULT nextval('s'::regclass);", "")]
    public void Roles_named_by_a_statement(string sql, string expected) =>
        Assert.Equal(expected, string.Join(' ', RoleReferences.In(sql)));
}

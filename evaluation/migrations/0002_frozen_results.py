"""On PostgreSQL the database itself refuses to change a published run, or any row written once
(unit results, rule versions, survey rows, bonuses), whatever code tries."""
from django.db import migrations

WRITTEN_ONCE = ["evaluation_subjectresult", "evaluation_scoringrule", "evaluation_bonusrule",
                "evaluation_surveyresult", "evaluation_bonusrun", "evaluation_bonusline"]

FORBID = """
CREATE OR REPLACE FUNCTION evaluation_written_once() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'assessment data is written once (% on % refused)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION evaluation_published_run_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'published' THEN
        RAISE EXCEPTION 'a published result run is frozen (% refused)', TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER evaluation_published_run_frozen
    BEFORE UPDATE OR DELETE ON evaluation_resultrun
    FOR EACH ROW EXECUTE FUNCTION evaluation_published_run_frozen();
""" + "".join(f"""
CREATE TRIGGER {table}_written_once BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION evaluation_written_once();
""" for table in WRITTEN_ONCE)

ALLOW = "".join(f"DROP TRIGGER IF EXISTS {table}_written_once ON {table};\n" for table in WRITTEN_ONCE) + """
DROP TRIGGER IF EXISTS evaluation_published_run_frozen ON evaluation_resultrun;
DROP FUNCTION IF EXISTS evaluation_published_run_frozen();
DROP FUNCTION IF EXISTS evaluation_written_once();
"""


def forbid_changes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID, params=None)


def allow_changes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW, params=None)


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(forbid_changes, allow_changes)]

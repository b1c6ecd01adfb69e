/*  test_curve.c — the table of trusted keys (tr_curve_trust_load): a
    certificate is trusted under the name it carries, and refused when it
    has no name, when its name or key is in another file too, when it is a
    secret key, not a certificate, or writable by group or others; and the
    daemons' own peer name comes from the ZAP User-Id, not the handshake.
*/
#include "services/lib/tr_curve.h"
#include "services/lib/tr_curve_trust.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <sys/stat.h>
#include <cmocka.h>

static char s_dir [64];

//  Writes a public certificate dir/FILE with name (NULL: none) and a new
//  key, or key when given. Returns its public key in key_out if not NULL.
static void
s_write_cert (const char *file, const char *name, const char *key, char *key_out)
{
    zcert_t *cert = zcert_new ();
    assert_non_null (cert);
    if (name)
        zcert_set_meta (cert, "name", "%s", name);
    char path [128];
    snprintf (path, sizeof path, "%s/%s", s_dir, file);
    if (key) {
        //  Another file with the same key: save a certificate, then swap
        //  its key text for the given one.
        FILE *out = fopen (path, "w");
        assert_non_null (out);
        fprintf (out, "metadata\n    name = \"%s\"\ncurve\n    public-key = \"%s\"\n",
                 name, key);
        fclose (out);
    }
    else
        assert_int_equal (zcert_save_public (cert, path), 0);
    chmod (path, 0644);
    if (key_out)
        strcpy (key_out, zcert_public_txt (cert));
    zcert_destroy (&cert);
}

static int
s_setup (void **state)
{
    (void) state;
    strcpy (s_dir, "/tmp/test_curve.XXXXXX");
    assert_non_null (mkdtemp (s_dir));
    return 0;
}

static int
s_teardown (void **state)
{
    (void) state;
    zdir_t *dir = zdir_new (s_dir, NULL);
    if (dir)
        zdir_remove (dir, true);
    zdir_destroy (&dir);
    return 0;
}

static void
test_named_certificates_are_trusted_by_key (void **state)
{
    (void) state;
    char desk [41], charnwood [41];
    s_write_cert ("desk.cert", "desk", NULL, desk);
    s_write_cert ("charnwood.cert", "charnwood", NULL, charnwood);
    size_t refused = 99;
    zhashx_t *names = tr_curve_trust_load (s_dir, "test", &refused);
    assert_non_null (names);
    assert_int_equal (refused, 0);
    assert_int_equal (zhashx_size (names), 2);
    assert_string_equal ((char *) zhashx_lookup (names, desk), "desk");
    assert_string_equal ((char *) zhashx_lookup (names, charnwood), "charnwood");
    zhashx_destroy (&names);
}

static void
test_nameless_certificate_is_refused (void **state)
{
    (void) state;
    char nameless [41];
    s_write_cert ("desk.cert", "desk", NULL, NULL);
    s_write_cert ("nameless.cert", NULL, NULL, nameless);
    size_t refused = 0;
    zhashx_t *names = tr_curve_trust_load (s_dir, "test", &refused);
    assert_int_equal (refused, 1);
    assert_int_equal (zhashx_size (names), 1);
    assert_null (zhashx_lookup (names, nameless));
    zhashx_destroy (&names);
}

static void
test_a_name_or_key_in_two_files_is_refused_in_both (void **state)
{
    (void) state;
    char first [41], second [41], shared [41];
    s_write_cert ("desk.cert", "desk", NULL, first);
    s_write_cert ("desk-again.cert", "desk", NULL, second);
    s_write_cert ("leics.cert", "leics", NULL, shared);
    s_write_cert ("rutland.cert", "rutland", shared, NULL);
    s_write_cert ("chorley.cert", "chorley", NULL, NULL);
    size_t refused = 0;
    zhashx_t *names = tr_curve_trust_load (s_dir, "test", &refused);
    assert_int_equal (refused, 4);
    assert_int_equal (zhashx_size (names), 1);
    assert_null (zhashx_lookup (names, first));
    assert_null (zhashx_lookup (names, second));
    assert_null (zhashx_lookup (names, shared));
    zhashx_destroy (&names);
}

static void
test_secrets_strangers_and_writable_files_are_refused (void **state)
{
    (void) state;
    char writable [41];
    s_write_cert ("desk.cert", "desk", NULL, NULL);
    s_write_cert ("open.cert", "open", NULL, writable);
    char path [128];
    snprintf (path, sizeof path, "%s/open.cert", s_dir);
    chmod (path, 0666);
    snprintf (path, sizeof path, "%s/desk.cert_secret", s_dir);
    FILE *out = fopen (path, "w");
    assert_non_null (out);
    fputs ("not trusted, whatever it holds\n", out);
    fclose (out);
    snprintf (path, sizeof path, "%s/README", s_dir);
    out = fopen (path, "w");
    assert_non_null (out);
    fputs ("no certificate here\n", out);
    fclose (out);
    size_t refused = 0;
    zhashx_t *names = tr_curve_trust_load (s_dir, "test", &refused);
    assert_int_equal (refused, 3);
    assert_int_equal (zhashx_size (names), 1);
    assert_null (zhashx_lookup (names, writable));
    zhashx_destroy (&names);
}

static void
test_missing_directory_is_null (void **state)
{
    (void) state;
    char path [128];
    snprintf (path, sizeof path, "%s/absent", s_dir);
    assert_null (tr_curve_trust_load (path, "test", NULL));
}

static void
test_peer_name_is_the_user_id (void **state)
{
    (void) state;
    //  A frame that came from no peer has no metadata: no name.
    zframe_t *frame = zframe_new ("x", 1);
    assert_string_equal (tr_curve_peer_name (frame), "");
    zframe_destroy (&frame);
}

int
main (void)
{
    zsys_init ();
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_named_certificates_are_trusted_by_key,
                                         s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_nameless_certificate_is_refused,
                                         s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_a_name_or_key_in_two_files_is_refused_in_both,
                                         s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_secrets_strangers_and_writable_files_are_refused,
                                         s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_missing_directory_is_null,
                                         s_setup, s_teardown),
        cmocka_unit_test (test_peer_name_is_the_user_id),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}

'use strict';
// The comment list's post filter (comments/admin.py PostFilter, issue #12): choosing a
// post in Django's autocomplete field, or clearing it, shows that post's comments.
{
    const $ = django.jQuery;
    $(function() {
        $('form.post-filter select').on('change', function() {
            this.form.submit();
        });
    });
}

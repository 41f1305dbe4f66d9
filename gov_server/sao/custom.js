/* Project settings for sao (copied into sao's folder by the set-up). */
(function() {
    'use strict';
    Sao.config.title = 'Hệ thống Một cửa điện tử';
    // Vietnamese before login too, whatever the browser's language; after
    // login sao follows the user's preference.
    var setlang = Sao.i18n.setlang;
    Sao.i18n.setlang = function(lang) {
        return setlang.call(this, lang || 'vi');
    };
    // In production the server does not list its databases to strangers
    // ([database] list = False): the database named after # in the
    // address (/admin/#dvc) fills the login's database field instead.
    var list = Sao.DB.list;
    Sao.DB.list = function() {
        var database = window.location.hash.replace(
            /^(#(!|))/, '').split('/', 1)[0];
        return list.apply(this, arguments).then(null, function() {
            return database ? [database] : jQuery.Deferred().reject();
        });
    };

    // An empty file field shows nothing, not a size of "0B".
    var Binary = Sao.View.Form.Binary.prototype;
    var binary_display = Binary.display;
    Binary.display = function() {
        var result = binary_display.apply(this, arguments);
        var field = this.field, record = this.record;
        if (field && record) {
            var size = field.get_size ? field.get_size(record) :
                (field.get(record) || '').length;
            if (!size) {
                this.size.val('');
            }
        }
        return result;
    };
}());

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
}());

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

    // Numbers as the user's language writes them (R-L10N-1).
    //
    // sao edits integers, floats, numerics and the numbers of an eForm
    // (Dict) in an <input type="number">, whose text the browser reads with
    // its own rules whatever the page's language: Chromium drops a comma,
    // so "8,5" typed by a Vietnamese officer was stored as 85. The edit box
    // becomes a text box read here with the user's language: in Vietnamese
    // "8,5" and "8.5" are 8.5, "1.234,5" is 1234.5 and "1.234" is 1234 (a
    // dot followed by three digits groups thousands); in English "8,5" is
    // 8.5 and "1,234" is 1234. The search bar reads numbers the same way.
    var separators = function() {
        var format = new Intl.NumberFormat(
            Sao.i18n.BC47(Sao.i18n.getlang())).format;
        var group = /^10(.)?000$/.exec(format(10000));
        var decimal = /^0(.)1$/.exec(format(0.1));
        return {
            group: (group && group[1]) || '',
            decimal: (decimal && decimal[1]) || '.',
        };
    };

    // The number typed in text, written with a "." decimal point and no
    // grouping ("8.5"); '' when empty; null when it is not a number.
    var parse_number = function(text) {
        var value = String(text === null || text === undefined ? '' : text)
            .replace(/[\s\u00a0\u202f]/g, '')
            .replace(/\u2212/g, '-')
            .replace(/^\+/, '');
        if (!value) {
            return '';
        }
        if (!/^-?[0-9.,]*[0-9][0-9.,]*$/.test(value)) {
            return null;
        }
        var dots = value.split('.').length - 1;
        var commas = value.split(',').length - 1;
        var decimal = null;
        if (dots && commas) {
            // The last sign is the decimal one, the other groups.
            decimal = value.lastIndexOf('.') > value.lastIndexOf(',') ?
                '.' : ',';
            if (value.split(decimal).length > 2) {
                return null;
            }
        } else if (dots + commas == 1) {
            var sign = dots ? '.' : ',';
            var after = value.split(sign)[1];
            // "1.234" groups thousands where "." groups them.
            if (!(after.length == 3 && sign == separators().group &&
                    /[0-9]/.test(value.split(sign)[0]))) {
                decimal = sign;
            }
        }
        var group = decimal == '.' ? ',' : '.';
        if (decimal === null) {
            value = value.replace(/[.,]/g, '');
        } else {
            value = value.split(group).join('').replace(decimal, '.');
        }
        if (!/^-?[0-9]*\.?[0-9]*$/.test(value)) {
            return null;
        }
        if (value.startsWith('.') || value.startsWith('-.')) {
            value = value.replace('.', '0.');
        }
        return value;
    };
    Sao.common.parse_number = parse_number;

    // A number written with "." (what sao keeps) as the user's language
    // writes it in an edit box: no grouping, its decimal sign.
    var edit_number = function(value) {
        var text = String(value === null || value === undefined ? '' :
            value);
        return text.replace('.', separators().decimal);
    };

    var number_message = function() {
        return Sao.i18n.gettext('Type a number, for example %1',
            (8.5).toLocaleString(Sao.i18n.BC47(Sao.i18n.getlang())));
    };

    // The <input type="number"> of sao's integer_input becomes a text box.
    var text_input = function(input, integer) {
        input.attr('type', 'text');
        input.attr('inputmode', integer ? 'numeric' : 'decimal');
        input.attr('autocomplete', 'off');
        input.on('input', function() {
            this.setCustomValidity(
                parse_number(this.value) === null ? number_message() : '');
        });
    };

    var Integer = Sao.View.Form.Integer.prototype;
    var integer_init = Integer.init;
    Integer.init = function(view, attributes) {
        integer_init.apply(this, arguments);
        text_input(this.input, !(this instanceof Sao.View.Form.Float));
    };
    var integer_display = Integer.display;
    Integer.display = function() {
        var result = integer_display.apply(this, arguments);
        this.input.val(edit_number(this.input.val()));
        this.input[0].setCustomValidity('');
        return result;
    };
    Integer.get_value = function() {
        var text = this.input.val();
        var value = parse_number(text);
        return value === null ? text : value;
    };

    var DictInteger = Sao.View.Form.Dict.Integer.prototype;
    var dict_create = DictInteger.create_widget;
    DictInteger.create_widget = function() {
        dict_create.apply(this, arguments);
        text_input(this.input, !(this instanceof Sao.View.Form.Dict.Float));
    };
    var dict_set = DictInteger.set_value;
    DictInteger.set_value = function(value, options) {
        dict_set.apply(this, arguments);
        this.input.val(edit_number(this.input.val()));
        this.input[0].setCustomValidity('');
    };
    DictInteger.get_value = function() {
        var value = parse_number(this.input.val());
        value = parseInt(value, 10);
        return isNaN(value) ? null : value;
    };
    Sao.View.Form.Dict.Float.prototype.get_value = function() {
        var value = parse_number(this.input.val());
        if (!value) {
            return null;
        }
        value = Number(value);
        return isNaN(value) ? null : value;
    };
    Sao.View.Form.Dict.Numeric.prototype.get_value = function() {
        var value = parse_number(this.input.val());
        if (!value) {
            return null;
        }
        value = new Sao.Decimal(value);
        return isNaN(value.valueOf()) ? null : value;
    };

    // A dictionary field's rows come after its buttons' state was set
    // (asynchronously): set it again once they are there, so that a field
    // that cannot remove keys (delete="0") shows no remove button.
    var Dict = Sao.View.Form.Dict.prototype;
    var dict_display = Dict._display;
    Dict._display = function() {
        var prm = dict_display.apply(this, arguments);
        if (prm && prm.then) {
            prm.then(() => this._set_button_sensitive());
        }
        return prm;
    };

    var Parser = Sao.common.DomainParser.prototype;
    var convert_value = Parser.convert_value;
    Parser.convert_value = function(field, value, context) {
        if ((typeof value == 'string') &&
            ['integer', 'float', 'numeric'].includes(field.type)) {
            var number = parse_number(value);
            if (number) {
                // What sao's own reader expects: the language's writing.
                value = edit_number(number);
            }
        }
        return convert_value.call(this, field, value, context);
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

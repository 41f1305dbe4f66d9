# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The VietQR payload builder and reader (no database)."""
import unittest
from decimal import Decimal

from ..vietqr import build, clean_memo, crc16, parse, parse_tlv

# Published worked examples: the expected payloads of the test table of
# the open-source Go library subiz/vietqr (MIT), file vietqr_test.go,
# function TestQR (commit 0861e8ad89bca9675c54a736a214a5c30726952e), and
# the example of its README — payloads that banking apps scan. The inputs
# are theirs (BIN, account, amount, note); the note "chuyển khoản" appears
# in the payload as "chuyen khoan", diacritics stripped as we do.
PUBLISHED = [
    # (bin, account, amount, memo, payload)
    ('970422', '0023457923442', 40123, 'chuyển khoản',
        '00020101021238570010A0000007270127000697042201130023457923442'
        '0208QRIBFTTA53037045405401235802VN62160812chuyen khoan6304722F'),
    ('970422', '0023457923442', 40123, 'test text string',
        '00020101021238570010A0000007270127000697042201130023457923442'
        '0208QRIBFTTA53037045405401235802VN62200816test text string'
        '6304D9C6'),
    # Static: no amount, no note — the payer types them.
    ('970423', '0099999999', None, None,
        '00020101021138540010A00000072701240006970423011000999999990208'
        'QRIBFTTA53037045802VN6304CBB4'),
    # README: "transfer 120.000 to account 0011001932418 at VietinBank
    # with the note 'ủng hộ lũ lụt'".
    ('970415', '0011001932418', 120000, 'ủng hộ lũ lụt',
        '00020101021238570010A00000072701270006970415011300110019324180208'
        'QRIBFTTA530370454061200005802VN62170813ung ho lu lut6304C15C'),
    ]

DOSSIER_CODE = '000.00.00.H16-260101-0001'  # 25 characters: the maximum


class CRCTestCase(unittest.TestCase):

    def test_check_value(self):
        "CRC-16/CCITT-FALSE's standard check value."
        self.assertEqual(crc16(b'123456789'), 0x29B1)
        self.assertEqual(crc16('123456789'), 0x29B1)

    def test_empty(self):
        "Nothing in: the initial value out."
        self.assertEqual(crc16(b''), 0xFFFF)

    def test_published_crcs(self):
        "Each published payload's CRC is that of everything before it."
        for *_, payload in PUBLISHED:
            with self.subTest(payload=payload):
                self.assertEqual(
                    f'{crc16(payload[:-4]):04X}', payload[-4:])


class BuildTestCase(unittest.TestCase):

    def test_published_examples(self):
        "Our builder writes the published payloads byte for byte."
        for bin, account, amount, memo, payload in PUBLISHED:
            with self.subTest(payload=payload):
                built = build(bin, account, amount, memo)
                self.assertEqual(built.encode('ascii'),
                    payload.encode('ascii'))

    def test_fields(self):
        "Every data object in place, in ascending ID order."
        payload = build('970415', '113366668888', 79000, DOSSIER_CODE)
        self.assertEqual(parse_tlv(payload), {
                '00': '01',
                '01': '12',
                '38': '0010A000000727'
                    '01260006970415011211336666888802'
                    '08QRIBFTTA',
                '53': '704',
                '54': '79000',
                '58': 'VN',
                '62': '0825' + DOSSIER_CODE,
                '63': payload[-4:],
                })
        self.assertRegex(payload, r'6304[0-9A-F]{4}$')

    def test_static_without_amount(self):
        self.assertEqual(parse_tlv(build('970415', '1234'))['01'], '11')
        self.assertNotIn('54', parse_tlv(build('970415', '1234')))
        self.assertEqual(
            parse_tlv(build('970415', '1234', memo='Le phi'))['01'], '11')

    def test_dynamic_with_amount(self):
        self.assertEqual(parse_tlv(build('970415', '1234', 1))['01'], '12')

    def test_decimal_amount(self):
        "gov.fee.payment's amounts are Numeric: integral Decimals are fine."
        self.assertEqual(build('970415', '1234', Decimal('150000.00')),
            build('970415', '1234', 150000))

    def test_memo_diacritics_stripped(self):
        self.assertEqual(clean_memo('Lệ phí hộ tịch Đắk Nông'),
            'Le phi ho tich Dak Nong')
        self.assertEqual(clean_memo('  Phí   thẩm định '), 'Phi tham dinh')
        self.assertEqual(clean_memo(DOSSIER_CODE), DOSSIER_CODE)
        # Composed and decomposed input give the same memo.
        self.assertEqual(clean_memo('Phi\u0301'), clean_memo('Phí'))

    def test_refused_bin(self):
        for bin in ['97041', '9704155', '97041a', '', 970415, None,
                '９７０４１５']:
            with self.subTest(bin=bin), \
                    self.assertRaisesRegex(ValueError, 'BIN'):
                build(bin, '1234')

    def test_refused_account(self):
        for account in ['', '1' * 20, '1234-5678', '1234 5678', 'số1',
                1234, None]:
            with self.subTest(account=account), \
                    self.assertRaisesRegex(ValueError, 'account number'):
                build('970415', account)
        self.assertTrue(build('970415', '1' * 19))
        self.assertTrue(build('970415', 'ABC123xyz'))

    def test_refused_amount(self):
        for amount in [0, -1, Decimal('-5'), Decimal('1.5'), 1.0, '1000',
                True, 10 ** 13, Decimal('NaN'), Decimal('Infinity')]:
            with self.subTest(amount=amount), \
                    self.assertRaisesRegex(ValueError, 'amount'):
                build('970415', '1234', amount)
        payload = build('970415', '1234', 10 ** 13 - 1)
        self.assertEqual(parse(payload).amount, 9_999_999_999_999)

    def test_refused_memo(self):
        for memo, message in [
                ('', 'empty'),
                ('   ', 'empty'),
                ('x' * 26, 'at most 25'),
                ('Lệ phí cấp giấy phép xây dựng', 'at most 25'),
                ('Giá 100€', 'cannot carry'),
                ('phí 手数料', 'cannot carry'),
                ('a\x00b', 'cannot carry'),
                (b'bytes', 'text'),
                ]:
            with self.subTest(memo=memo), \
                    self.assertRaisesRegex(ValueError, message):
                build('970415', '1234', 1000, memo)


class ParseTestCase(unittest.TestCase):

    def test_round_trip(self):
        payload = build('970415', '113366668888', Decimal('1234567'),
            'Lệ phí ' + DOSSIER_CODE[:18])
        qr = parse(payload)
        self.assertEqual(qr.bin, '970415')
        self.assertEqual(qr.account, '113366668888')
        self.assertEqual(qr.amount, 1234567)
        self.assertEqual(qr.memo, 'Le phi ' + DOSSIER_CODE[:18])
        self.assertEqual(qr.service, 'QRIBFTTA')
        self.assertEqual(qr.currency, '704')
        self.assertEqual(qr.country, 'VN')
        self.assertTrue(qr.dynamic)
        self.assertEqual(qr.crc, payload[-4:])
        self.assertEqual(
            build(qr.bin, qr.account, qr.amount, qr.memo), payload)

    def test_round_trip_static(self):
        qr = parse(build('970423', '0099999999'))
        self.assertIsNone(qr.amount)
        self.assertIsNone(qr.memo)
        self.assertFalse(qr.dynamic)

    def test_published(self):
        "The published payloads read back to their inputs."
        for bin, account, amount, memo, payload in PUBLISHED:
            with self.subTest(payload=payload):
                qr = parse(payload)
                self.assertEqual((qr.bin, qr.account, qr.amount), (
                        bin, account, amount))
                self.assertEqual(qr.memo,
                    clean_memo(memo) if memo else None)

    def test_lowercase_crc_accepted(self):
        payload = build('970415', '1234', 5000)
        self.assertEqual(parse(payload[:-4] + payload[-4:].lower()).amount,
            5000)

    def test_altered_payload(self):
        "One changed digit of the amount: the CRC no longer matches."
        payload = build('970415', '1234', 5000, DOSSIER_CODE)
        altered = payload.replace('54045000', '54049000')
        self.assertNotEqual(altered, payload)
        with self.assertRaisesRegex(ValueError, 'wrong CRC'):
            parse(altered)

    def test_malformed(self):
        good = build('970415', '1234', 5000)

        def with_crc(text):
            text += '6304'
            return text + f'{crc16(text):04X}'

        for payload, message in [
                (good[:-5], 'CRC'),
                (good[:-4] + 'XYZW', 'hex'),
                ('', 'CRC'),
                (None, 'text'),
                # A length that runs past the end.
                (with_crc('000201010212389912'), 'announces'),
                # Payload Format Indicator missing or wrong.
                (with_crc(good[6:-8]), 'Payload Format'),
                (with_crc('000202' + good[6:-8]), 'Payload Format'),
                # Not NAPAS's GUID.
                (with_crc(good[:-8].replace('A000000727', 'A000000999')),
                    'GUID'),
                # Another currency.
                (with_crc(good[:-8].replace('5303704', '5303840')),
                    'currency'),
                # An ID twice.
                (with_crc(good[:-8] + '5802VN'), 'twice'),
                # An amount with decimals.
                (with_crc(good[:-8].replace('54045000', '54075000.00')),
                    'amount'),
                ]:
            with self.subTest(payload=payload), \
                    self.assertRaisesRegex(ValueError, message):
                parse(payload)


class QRImageTestCase(unittest.TestCase):
    "The payload survives being drawn and scanned."

    def test_decode_drawn_code(self):
        import qrcode
        import zxingcpp  # how the project's tests read QR codes back

        payload = build('970415', '113366668888', 1234567, DOSSIER_CODE)
        code = qrcode.QRCode(
            error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6,
            border=4)
        code.add_data(payload)
        code.make(fit=True)
        image = code.make_image(fill_color='black', back_color='white')
        image = image.get_image().convert('L')
        texts = [r.text for r in zxingcpp.read_barcodes(image)
            if r.format == zxingcpp.BarcodeFormat.QRCode]
        self.assertEqual(texts, [payload])
        self.assertEqual(parse(texts[0]).amount, 1234567)

# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""English texts of the portal's chrome, keyed by the Vietnamese text."""
EN = {
    'Cổng dịch vụ công trực tuyến': 'Online Public Service Portal',
    'tỉnh': 'province of',
    'Bỏ qua, đến nội dung chính': 'Skip to main content',
    'Điều hướng chính': 'Main navigation',
    'Thủ tục': 'Procedures',
    'Tra cứu hồ sơ': 'Track a dossier',
    'Hồ sơ của tôi': 'My dossiers',
    'Thông báo': 'Notifications',
    'Tài khoản': 'Account',
    'Đăng xuất': 'Log out',
    'Đăng nhập': 'Log in',
    'Đăng ký': 'Register',
    'Cổng dịch vụ công trực tuyến và Hệ thống Một cửa điện tử tỉnh %(province)s, vận hành theo Quyết định số 04/2019/QĐ-UBND.':
        'Online Public Service Portal and Electronic One-Stop System of %(province)s province, operated under Decision 04/2019/QĐ-UBND.',
    'Cán bộ, công chức đăng nhập Hệ thống Một cửa điện tử':
        'Staff: log in to the Electronic One-Stop System',
    'Phân trang': 'Pagination',
    'Trang trước': 'Previous page',
    'Trang sau': 'Next page',
    'Trang %(page)s / %(pages)s': 'Page %(page)s of %(pages)s',
    # Errors
    'Yêu cầu không hợp lệ': 'Invalid request',
    'Bạn không có quyền truy cập trang này': 'You may not open this page',
    'Không tìm thấy trang': 'Page not found',
    'Dữ liệu gửi lên quá lớn': 'Upload too large',
    'Bạn đã thao tác quá nhiều lần': 'Too many requests',
    'Hệ thống đang gặp sự cố': 'Something went wrong',
    'Hệ thống đang bận': 'The system is busy',
    'Yêu cầu gửi lên không đúng. Vui lòng quay lại và thử lại.':
        'The request was not valid. Please go back and try again.',
    'Trang này không dành cho tài khoản của bạn, hoặc phiên làm việc đã hết hạn.':
        'This page is not for your account, or your session has expired.',
    'Trang bạn tìm không tồn tại hoặc đã được chuyển đi. Vui lòng kiểm tra lại địa chỉ.':
        'The page you are looking for does not exist or has moved. Please check the address.',
    'Tổng dung lượng các tệp gửi lên vượt quá giới hạn cho phép. Vui lòng giảm dung lượng tệp (ví dụ chụp ảnh với độ phân giải thấp hơn) rồi gửi lại.':
        'The files sent are larger than allowed. Please make them smaller (for example a lower photo resolution) and send again.',
    'Vui lòng đợi một phút rồi thử lại.': 'Please wait a minute and try again.',
    'Đã có lỗi xảy ra trong quá trình xử lý. Thông tin bạn đã gửi không bị mất; vui lòng thử lại sau ít phút. Nếu lỗi vẫn tiếp diễn, vui lòng liên hệ Bộ phận Một cửa.':
        'An error occurred. What you sent is not lost; please try again in a few minutes. If it persists, contact the one-stop desk.',
    'Vui lòng thử lại sau ít phút.': 'Please try again in a few minutes.',
    'Mã lỗi': 'Error code',
    'Về trang chủ': 'Home page',
    'Tìm thủ tục': 'Find a procedure',
    'Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại.':
        'Your session has expired or the form is not valid. Please reload the page and try again.',
    # Home
    'Cổng dịch vụ công trực tuyến tỉnh %(province)s':
        'Online Public Service Portal of %(province)s province',
    'Tìm thủ tục hành chính, nộp hồ sơ trực tuyến và theo dõi kết quả giải quyết.':
        'Find administrative procedures, submit dossiers online and follow their processing.',
    'Tìm thủ tục hành chính': 'Find an administrative procedure',
    'Tên thủ tục hoặc từ khóa': 'Procedure name or keyword',
    'Ví dụ: khai sinh, cấp phép xây dựng': 'For example: birth registration',
    'Tìm': 'Search',
    'Mã hồ sơ': 'Dossier code',
    'Mã in trên Giấy tiếp nhận hồ sơ': 'The code printed on the receipt',
    'Tra cứu': 'Look up',
    # Catalogue
    'Thủ tục hành chính': 'Administrative procedures',
    'Tìm và lọc thủ tục': 'Search and filter procedures',
    'Ví dụ: khai sinh': 'For example: khai sinh',
    'Ngành': 'Sector',
    'Lĩnh vực': 'Field',
    'Cấp thực hiện': 'Administrative level',
    'Cơ quan thực hiện': 'Agency',
    'Mức độ dịch vụ': 'Service level',
    'Tất cả': 'All',
    'Xóa bộ lọc': 'Clear filters',
    '%(count)s thủ tục phù hợp với "%(text)s"':
        '%(count)s procedures match "%(text)s"',
    '%(count)s thủ tục': '%(count)s procedures',
    'Mã': 'Code',
    'Thời hạn': 'Time limit',
    'ngày làm việc': 'working days',
    'Lệ phí': 'Fee',
    'Không thu': 'Free',
    'Nơi tiếp nhận': 'Where to submit',
    'Không tìm thấy thủ tục nào. Hãy thử từ khóa ngắn hơn hoặc bỏ bớt bộ lọc.':
        'No procedure found. Try a shorter keyword or fewer filters.',
    'Mã thủ tục': 'Procedure code',
    'Thời hạn giải quyết': 'Processing time',
    'ngày làm việc kể từ khi nhận đủ hồ sơ hợp lệ':
        'working days from receipt of a complete dossier',
    'Lệ phí, phí': 'Fees and charges',
    'Kết quả': 'Result',
    'Nơi tiếp nhận, giải quyết': 'Where to submit',
    'Điện thoại': 'Phone',
    'E-mail': 'E-mail',
    'Ủy ban nhân dân cấp thực hiện': "The competent People's Committee",
    'Cách nộp': 'How to submit',
    'Nộp trực tuyến trên Cổng': 'online on this portal',
    'nộp trực tiếp tại Bộ phận Một cửa': 'in person at the one-stop desk',
    'qua dịch vụ bưu chính công ích': 'through the public postal service',
    'Nộp hồ sơ trực tuyến': 'Submit online',
    'Yêu cầu, điều kiện': 'Requirements',
    'Thành phần hồ sơ': 'Documents required',
    'Giấy tờ': 'Document',
    'Bản chính': 'Originals',
    'Bản sao': 'Copies',
    'Mẫu đơn': 'Form',
    'Nếu có': 'If applicable',
    'Tải mẫu': 'Download form',
    'Loại': 'Kind',
    'Trường hợp': 'Case',
    'Mức thu': 'Amount',
    'Thời điểm nộp': 'When paid',
    'Khi nộp hồ sơ': 'On submission',
    'Khi nhận kết quả': 'On collection',
    'Trình tự thực hiện': 'Steps',
    'Hướng dẫn': 'Guide',
    'Căn cứ pháp lý': 'Legal basis',
    'Tình hình giải quyết': 'Dossiers handled',
    'hồ sơ đã tiếp nhận': 'dossiers received',
    'giải quyết trước hạn': 'resolved early',
    'đúng hạn': 'on time',
    'quá hạn': 'late',
    # Accounts
    'Đăng ký tài khoản': 'Create an account',
    'Tài khoản giúp bạn nộp hồ sơ trực tuyến và theo dõi kết quả. Thông tin cá nhân được dùng để điền sẵn vào biểu mẫu của mọi thủ tục.':
        'An account lets you submit dossiers online and follow them. Your personal details pre-fill every form.',
    'Vui lòng sửa các mục sau:': 'Please correct the following:',
    'Họ và tên': 'Full name',
    'Số định danh cá nhân': 'Personal identification number',
    '12 chữ số, in trên thẻ căn cước.': '12 digits, printed on your ID card.',
    'Số điện thoại': 'Phone number',
    'Để nhận tin nhắn về hồ sơ (không bắt buộc).':
        'To receive text messages about your dossiers (optional).',
    'Địa chỉ thường trú': 'Permanent address',
    'Mật khẩu': 'Password',
    'Ít nhất 8 ký tự.': 'At least 8 characters.',
    'Nhập lại mật khẩu': 'Repeat the password',
    'Tôi đồng ý để cơ quan nhà nước sử dụng thông tin trên khi giải quyết hồ sơ của tôi.':
        'I agree that public agencies use these details to handle my dossiers.',
    'Đã có tài khoản? Đăng nhập': 'Already registered? Log in',
    'Xác thực e-mail': 'Verify e-mail',
    'Bấm nút dưới đây để hoàn tất xác thực địa chỉ e-mail của tài khoản.':
        'Press the button below to finish verifying your e-mail address.',
    'Chưa đăng nhập được': 'Could not log in',
    'Quên mật khẩu?': 'Forgot your password?',
    'Chưa có tài khoản?': 'No account yet?',
    'Quên mật khẩu': 'Forgotten password',
    'Nhập e-mail của tài khoản, chúng tôi sẽ gửi liên kết để đặt mật khẩu mới.':
        "Enter your account's e-mail; we will send a link to set a new password.",
    'Gửi liên kết': 'Send the link',
    'Đặt mật khẩu mới': 'Set a new password',
    'Tài khoản': 'Account',
    'Mật khẩu mới': 'New password',
    'Nhập lại mật khẩu mới': 'Repeat the new password',
    'Lưu mật khẩu': 'Save the password',
    'Thông tin cá nhân': 'Personal details',
    'Thông tin này được điền sẵn vào biểu mẫu khi bạn nộp hồ sơ.':
        'These details pre-fill the forms when you submit a dossier.',
    'Lưu thông tin': 'Save',
    'Đã lưu thông tin cá nhân.': 'Your personal details were saved.',
    'Vui lòng nhập họ và tên.': 'Please enter your full name.',
    'Vui lòng nhập số định danh cá nhân (12 chữ số).':
        'Please enter your personal identification number (12 digits).',
    'Số định danh cá nhân phải gồm đúng 12 chữ số, ví dụ 066190001234.':
        'The personal identification number has exactly 12 digits, e.g. 066190001234.',
    'Số điện thoại không hợp lệ, ví dụ 0912345678.':
        'The phone number is not valid, e.g. 0912345678.',
    'Mật khẩu phải có ít nhất %(n)s ký tự.':
        'The password needs at least %(n)s characters.',
    'Hai mật khẩu không giống nhau.': 'The two passwords differ.',
    'Mật khẩu quá dễ đoán. Hãy dùng mật khẩu dài hơn, không trùng với e-mail hay tên.':
        'The password is too easy to guess. Use a longer one, unlike your e-mail or name.',
    'Địa chỉ e-mail không hợp lệ, ví dụ ten@example.com.':
        'The e-mail address is not valid, e.g. name@example.com.',
    'Vui lòng đồng ý để cơ quan nhà nước sử dụng thông tin của bạn khi giải quyết hồ sơ.':
        'Please agree that public agencies use your details to handle your dossiers.',
    'Kiểm tra hộp thư của bạn': 'Check your mailbox',
    'Vui lòng nhập e-mail và mật khẩu.': 'Please enter your e-mail and password.',
    'E-mail hoặc mật khẩu không đúng.': 'Wrong e-mail or password.',
    'E-mail đã được xác thực': 'E-mail verified',
    'Liên kết không còn hiệu lực': 'The link is no longer valid',
    'Đã đặt mật khẩu mới': 'New password set',
    # Lookup and kiosk
    'Kết quả tra cứu': 'Result',
    'Tình trạng': 'Status',
    'Cơ quan tiếp nhận': 'Receiving agency',
    'Đơn vị đang xử lý': 'Processing unit',
    'Tổ chức': 'Organisation',
    'Người nộp hồ sơ': 'Submitted by',
    'đã ẩn một phần': 'partly hidden',
    'Ngày nhận hồ sơ': 'Received on',
    'Ngày hẹn trả kết quả': 'Result due on',
    'Mã QR tra cứu hồ sơ %(code)s': 'QR code to track dossier %(code)s',
    'Hồ sơ chưa đầy đủ, hợp lệ. Nội dung cần bổ sung, sửa đổi:':
        'The dossier is incomplete. What must be added or corrected:',
    'Vui lòng liên hệ cơ quan tiếp nhận.': 'Please contact the receiving agency.',
    'Nhập mã PIN để xem ý kiến chi tiết của cơ quan tiếp nhận.':
        "Type the PIN to read the receiving agency's detailed comments.",
    'Không tìm thấy hồ sơ có mã "%(code)s". Vui lòng kiểm tra lại mã in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.':
        'No dossier with code "%(code)s". Please check the code printed on the receipt.',
    'Xem đầy đủ họ tên người nộp': "See the submitter's full name",
    'Mã PIN': 'PIN',
    'In trên Giấy tiếp nhận hồ sơ, cạnh mã hồ sơ.':
        'Printed on the receipt, next to the dossier code.',
    'Xem': 'Show',
    'Mã hồ sơ hoặc mã PIN không đúng.': 'Wrong dossier code or PIN.',
    'Mã PIN của hồ sơ này đã bị nhập sai nhiều lần nên tạm khóa. Vui lòng thử lại sau %(minutes)s phút, hoặc quét mã QR trên Giấy tiếp nhận hồ sơ.':
        'The PIN of this dossier was typed wrong too many times and is '
        'locked for now. Please try again in %(minutes)s minutes, or scan '
        'the QR code on the receipt.',
    'Bạn đã tra cứu quá nhiều lần trong một phút. Vui lòng đợi một phút rồi thử lại.':
        'Too many lookups in one minute. Please wait a minute and try again.',
    'Bộ phận Một cửa': 'One-stop desk',
    'Ngôn ngữ': 'Language',
    'Nhập mã hồ sơ': 'Enter the dossier code',
    'Mã in trên Giấy tiếp nhận hồ sơ, ví dụ 000.01.21.H16-260115-0001.':
        'The code printed on the receipt, e.g. 000.01.21.H16-260115-0001.',
    'Bàn phím số': 'Keypad',
    'Xóa ký tự cuối': 'Delete the last character',
    'Xóa hết': 'Clear',
    'Tra cứu hồ sơ khác': 'Look up another dossier',
    'Xóa màn hình': 'Clear the screen',
    'Màn hình tự xóa sau 1 phút không sử dụng.':
        'The screen clears itself after one minute without use.',
    # Dossier states
    'Bản nháp': 'Draft',
    'Đã nộp, chờ tiếp nhận': 'Submitted, waiting for receipt',
    'Đã tiếp nhận, hồ sơ hợp lệ': 'Received, complete',
    'Cần bổ sung, sửa đổi hồ sơ': 'Supplement requested',
    'Không giải quyết': 'Rejected',
    'Đang xử lý': 'Processing',
    'Đã có kết quả': 'Result ready',
    'Đã trả kết quả': 'Completed',
    'Đã rút hồ sơ': 'Withdrawn',
    'Tạm dừng xử lý': 'Suspended',
        # Dossiers, submission, e-mails
    'Bước xử lý':
        'Step',
    'Bạn chưa có hồ sơ nào.':
        'You have no dossier yet.',
    'Bạn chưa có thông báo nào.':
        'You have no notification yet.',
    'Bạn có %(n)s thông báo mới.':
        'You have %(n)s new notifications.',
    'Bắt đầu xử lý':
        'Processing started',
    'Bổ sung hồ sơ':
        'Supplement the dossier',
    'Chuyển bước xử lý':
        'Forwarded to the next step',
    'Chuyển cơ quan phối hợp':
        'Transferred to a cooperating agency',
    'Chào %(name)s,':
        'Hello %(name)s,',
    'Chưa có thông báo.':
        'No notification yet.',
    'Chưa thực hiện được:':
        'Could not be done:',
    'Chờ cơ quan kiểm tra, tiếp nhận. Giấy tiếp nhận hồ sơ và hẹn trả kết quả được cấp khi hồ sơ được tiếp nhận.':
        'Waiting for the agency to check and receive it. The receipt with the appointment date is issued once the dossier is received.',
    'Cách nhận kết quả':
        'How to collect the result',
    'Có kết quả':
        'Result ready',
    'Cơ quan sẽ kiểm tra hồ sơ và thông báo cho bạn qua Cổng, e-mail và tin nhắn.':
        'The agency will check the dossier and tell you on the portal, by e-mail and by text message.',
    'Cơ quan yêu cầu bổ sung, sửa đổi:':
        'The agency asks you to add or correct:',
    'Cảm ơn bạn. Tài khoản đã sẵn sàng, mời bạn đăng nhập.':
        'Thank you. Your account is ready; please log in.',
    'Cảnh báo sắp quá hạn':
        'Due soon',
    'E-mail của bạn chưa được xác thực. Chúng tôi vừa gửi lại thư xác thực đến %(email)s.':
        'Your e-mail is not verified yet. We sent the verification e-mail again to %(email)s.',
    'Giấy biên nhận':
        'Receipt',
    'Giấy tờ đã nộp':
        'Documents submitted',
    'Giấy xác nhận nộp hồ sơ trực tuyến':
        'Confirmation of online submission',
    'Gửi bổ sung':
        'Send the supplement',
    'Hãy ghi lại mã hồ sơ và mã PIN: ai có mã PIN mới xem được đầy đủ họ tên người nộp khi tra cứu.':
        "Keep the dossier code and the PIN: only someone with the PIN sees the submitter's full name in the lookup.",
    'Hẹn trả':
        'Due on',
    'Hồ sơ':
        'Dossier',
    'Hồ sơ %(procedure)s đã được gửi đến %(agency)s.':
        'Your dossier for %(procedure)s was sent to %(agency)s.',
    'Hồ sơ chưa nộp được. Vui lòng sửa các mục sau:':
        'The dossier was not submitted. Please correct the following:',
    'Hồ sơ đã rút sẽ không được giải quyết tiếp. Bạn có thể nộp lại hồ sơ mới khi cần.':
        'A withdrawn dossier is not processed any further. You may submit a new one when needed.',
    'Kết quả giải quyết':
        'Timeliness',
    'Kết quả điện tử':
        'Electronic result',
    'Liên kết xác thực không đúng hoặc đã được dùng. Nếu bạn chưa xác thực, hãy đăng nhập để nhận thư mới.':
        'The verification link is wrong or was already used. If you have not verified yet, log in to receive a new e-mail.',
    'Liên kết đặt lại mật khẩu không đúng hoặc đã hết hạn. Vui lòng yêu cầu liên kết mới.':
        'The password reset link is wrong or has expired. Please ask for a new one.',
    'Lý do rút hồ sơ':
        'Reason for withdrawing',
    'Lưu lúc':
        'Saved at',
    'Lưu nháp':
        'Save draft',
    'Mã PIN tra cứu':
        'Lookup PIN',
    'Mật khẩu đã được thay đổi. Mời bạn đăng nhập.':
        'Your password was changed. Please log in.',
    'Mỗi giấy tờ một tệp PDF hoặc ảnh chụp rõ nét (JPG, PNG).':
        'One PDF file or sharp photo (JPG, PNG) per document.',
    'Mới':
        'New',
    'Ngày nộp':
        'Submitted on',
    'Ngày/tháng/năm, ví dụ 05/01/2026.':
        'Day/month/year, e.g. 05/01/2026.',
    'Nhận bản điện tử trên Cổng':
        'Electronic copy on the portal',
    'Nhận qua dịch vụ bưu chính':
        'By postal service',
    'Nhận tại Bộ phận Một cửa':
        'At the one-stop desk',
    'Nơi nộp hồ sơ':
        'Where to submit',
    'Nếu %(email)s là e-mail của một tài khoản, thư hướng dẫn đặt lại mật khẩu đã được gửi đến đó.':
        'If %(email)s is the e-mail of an account, instructions to reset the password were sent there.',
    'Nếu bạn không yêu cầu, vui lòng bỏ qua thư này.':
        'If you did not ask for this, please ignore this e-mail.',
    'Nộp hồ sơ':
        'Submit',
    'Quay lại hồ sơ':
        'Back to the dossier',
    'Quá hạn':
        'Late',
    'Quá trình xử lý':
        'Processing history',
    'Rút hồ sơ':
        'Withdraw the dossier',
    'Theo dõi hồ sơ':
        'Follow the dossier',
    'Thông tin tờ khai':
        'Form',
    'Tiếp nhận hồ sơ':
        'Dossier received',
    'Tiếp tục xử lý':
        'Processing resumed',
    'Trước hạn':
        'Early',
    'Trả kết quả':
        'Result returned',
    'Trả lại bước trước':
        'Sent back a step',
    'Tìm thủ tục để nộp hồ sơ':
        'Find a procedure to submit a dossier',
    'Tổng phải nộp':
        'Total to pay',
    'Từ chối giải quyết':
        'Rejected',
    'Vui lòng cho biết lý do rút hồ sơ.':
        'Please give the reason for withdrawing.',
    'Vui lòng chọn nơi nộp hồ sơ.':
        'Please choose where to submit.',
    'Vui lòng chọn ít nhất một tệp bổ sung.':
        'Please choose at least one file.',
    'Vui lòng nhập họ và tên người nộp.':
        "Please enter the submitter's full name.",
    'Vui lòng tải lên "%(name)s" (bắt buộc).':
        'Please upload "%(name)s" (required).',
    'Xem giấy biên nhận':
        'See the receipt',
    'Xác nhận rút hồ sơ':
        'Confirm the withdrawal',
    'Xác thực địa chỉ e-mail — Cổng dịch vụ công tỉnh Đắk Nông':
        'Verify your e-mail address — Đắk Nông public service portal',
    'Yêu cầu bổ sung, sửa đổi hồ sơ':
        'Supplement requested',
    'bắt buộc':
        'required',
    'chọn tệp khác để thay':
        'choose another file to replace it',
    'tải mẫu':
        'download the form',
    'Điền sẵn từ thông tin tài khoản của bạn; sửa nếu cần.':
        'Pre-filled from your account; change it if needed.',
    'Đánh dấu tất cả là đã đọc':
        'Mark all as read',
    'Đã gửi hồ sơ bổ sung.':
        'The supplement was sent.',
    'Đã lưu bản nháp. Bạn có thể quay lại hoàn thiện và nộp sau tại mục "Hồ sơ của tôi".':
        'Draft saved. You can come back to finish and submit it from "My dossiers".',
    'Đã nộp hồ sơ':
        'Dossier submitted',
    'Đã nộp hồ sơ thành công':
        'Dossier submitted',
    'Đã rút hồ sơ.':
        'The dossier was withdrawn.',
    'Đã tải lên':
        'Uploaded',
    'Đã đánh dấu tất cả là đã đọc.':
        'All marked as read.',
    'Đúng hạn':
        'On time',
    'Đặt lại mật khẩu — Cổng dịch vụ công tỉnh Đắk Nông':
        'Reset your password — Đắk Nông public service portal',
    'Địa chỉ':
        'Address',
    'Định dạng':
        'Formats',
    '— Chọn —':
        '— Choose —',
    'Bạn vừa đăng ký tài khoản trên Cổng dịch vụ công trực tuyến tỉnh Đắk Nông. Vui lòng mở liên kết sau để xác thực địa chỉ e-mail:':
        'You registered on the Đắk Nông online public service portal. Please open this link to verify your e-mail address:',
    'Bạn đã nhập sai quá nhiều lần. Vì an toàn, tài khoản tạm thời bị khóa đăng nhập; vui lòng thử lại sau %(minutes)s phút hoặc dùng chức năng "Quên mật khẩu".':
        'Too many wrong attempts. For your safety, logging in is blocked for a while; please try again in %(minutes)s minutes or use "Forgot your password".',
    'Có yêu cầu đặt lại mật khẩu cho tài khoản %(email)s. Mở liên kết sau để đặt mật khẩu mới (hiệu lực đến %(expire)s):':
        'Someone asked to reset the password of %(email)s. Open this link to set a new password (valid until %(expire)s):',
    'Chúng tôi đã gửi thư đến %(email)s. Vui lòng mở thư và làm theo hướng dẫn trong thư để hoàn tất đăng ký.':
        'We sent an e-mail to %(email)s. Please open it and follow its instructions to complete your registration.',
    'Đăng ký tài khoản — Cổng dịch vụ công tỉnh Đắk Nông':
        'Registration — Đắk Nông Public Service Portal',
    'Có người vừa dùng địa chỉ e-mail %(email)s để đăng ký tài khoản trên Cổng dịch vụ công trực tuyến tỉnh Đắk Nông, nhưng địa chỉ này đã có tài khoản nên không có tài khoản mới nào được tạo.':
        'Someone just used the e-mail address %(email)s to register on the Đắk Nông online public service portal; this address already has an account, so no new account was created.',
    'Nếu đó là bạn, hãy đăng nhập bằng tài khoản hiện có; nếu quên mật khẩu, hãy dùng liên kết sau để đặt mật khẩu mới.':
        'If it was you, log in with your existing account; if you forgot its password, use this link to set a new one.',
    'E-mail của bạn chưa được xác thực, và hệ thống chưa gửi được thư xác thực đến %(email)s. Vui lòng đăng nhập lại sau ít phút để nhận thư.':
        'Your e-mail is not verified yet, and the verification e-mail to %(email)s could not be sent. Please log in again in a few minutes to receive it.',
    'Chưa gửi được thư':
        'The e-mail could not be sent',
    'Hệ thống chưa gửi được thư đến %(email)s vì máy chủ thư đang gặp sự cố. Thư chưa được gửi; vui lòng thử gửi lại sau ít phút.':
        'The e-mail to %(email)s could not be sent: the mail server has a problem. Nothing was sent; please try again in a few minutes.',
    'Gửi lại thư':
        'Send the e-mail again',
    # Submitting and following: components the eForm replaces, fees by
    # quantity, the declaration (R-SUB-9), the dates to expect
    '%(price)s × %(quantity)s = %(amount)s':
        '%(price)s × %(quantity)s = %(amount)s',
    'chỉ thu trong trường hợp này':
        'only in that case',
    'Tổng được tính lại theo số lượng bạn khai ở trên.':
        'The total follows the quantities you give above.',
    'Không cần tải lên':
        'No upload needed',
    'Phần “Thông tin tờ khai” ở trên thay cho giấy tờ này khi nộp trực tuyến; chỉ tải lên nếu bạn muốn gửi kèm bản giấy đã ký.':
        'Online, the "Form" section above replaces this document; upload it only if you want to add the signed paper.',
    'Cam đoan':
        'Declaration',
    'Vui lòng đánh dấu ô cam đoan: thông tin kê khai là chính xác.':
        'Please tick the declaration that the information is accurate.',
    'Kiểm tra hồ sơ':
        'Check of the dossier',
    'trong %(days)s ngày làm việc, chậm nhất ngày %(date)s':
        'within %(days)s working days, on %(date)s at the latest',
    'dự kiến, nếu hồ sơ đầy đủ, hợp lệ':
        'expected, if the dossier is complete and valid',
    'Nếu hồ sơ đầy đủ, hợp lệ: hẹn trả kết quả ngày %(date)s (dự kiến).':
        'If the dossier is complete and valid: result due on %(date)s (expected).',
    'Cần bổ sung hồ sơ':
        'Supplement needed',
    'Thông tin đã kê khai':
        'What you declared',
    'Đã cam đoan thông tin kê khai là chính xác lúc %(date)s.':
        'Declared accurate at %(date)s.',
    # The development mailbox (make run only)
    'Hộp thư thử nghiệm':
        'Development mailbox',
    'Chỉ có trên máy phát triển: thư hệ thống gửi đi được giữ lại trong thư mục %(folder)s, không gửi ra ngoài.':
        'Development machines only: the e-mails the system sends are kept in the folder %(folder)s and never leave this machine.',
    'Tất cả thư':
        'All e-mails',
    'Người gửi':
        'From',
    'Người nhận':
        'To',
    'Chưa có thư nào.':
        'No e-mail yet.',
        'Lọc theo ngành, lĩnh vực, cấp, cơ quan':
        'Filter by sector, field, level, agency',
    'và %(n)s nơi khác':
        'and %(n)s more',
    # Signing in on the way to a page, unread notifications, printing,
    # required and optional components
    '%(n)s chưa đọc': '%(n)s unread',
    'Đăng nhập để nộp hồ sơ “%(name)s” trực tuyến. Sau khi đăng nhập, bạn sẽ trở lại biểu mẫu nộp hồ sơ.':
        'Log in to submit "%(name)s" online. Once logged in, you will be taken back to the form.',
    'Đăng nhập để nộp hồ sơ trực tuyến. Sau khi đăng nhập, bạn sẽ trở lại biểu mẫu nộp hồ sơ.':
        'Log in to submit a dossier online. Once logged in, you will be taken back to the form.',
    'Đăng nhập để xem và theo dõi hồ sơ của bạn.':
        'Log in to see and follow your dossiers.',
    'Đăng nhập để đọc thông báo về hồ sơ của bạn.':
        'Log in to read the notifications about your dossiers.',
    'Đăng nhập để xem thông tin tài khoản của bạn.':
        'Log in to see your account details.',
    'Sau khi đăng ký, mở thư xác thực e-mail rồi đăng nhập: bạn sẽ trở lại biểu mẫu nộp hồ sơ “%(name)s”.':
        'After registering, open the verification e-mail, then log in: you will be taken back to the form of "%(name)s".',
    'Sau khi đăng ký, mở thư xác thực e-mail rồi đăng nhập: bạn sẽ trở lại biểu mẫu nộp hồ sơ.':
        'After registering, open the verification e-mail, then log in: you will be taken back to the form.',
    'In hoặc lưu PDF': 'Print or save as PDF',
    'Bắt buộc': 'Required',
    'Không có mẫu': 'No form to download',
    'Giấy tờ ghi “Bắt buộc” phải có trong mọi hồ sơ; giấy tờ ghi “Nếu có” chỉ nộp trong trường hợp được nêu dưới tên giấy tờ.':
        'Documents marked "Required" are needed in every dossier; documents marked "If applicable" only in the case written under their name.',
    }

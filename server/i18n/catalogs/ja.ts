// 日本語のカタログ: en.ts と同じキーをすべて持ちます（型で確認されます）。
// The type comes from en.ts itself: importing it from messages.ts made a cycle (messages → locales → ja → messages).
import type { en } from './en.ts';

export const ja: Record<keyof typeof en, string> = {
  'layout.skip': '本文へ移動',
  'layout.nav.main': 'メインメニュー',
  'layout.nav.signIn': 'サインイン',
  'layout.nav.register': '新規登録',
  'layout.nav.users': 'ユーザー',
  'layout.nav.newAccount': 'アカウント作成',
  'layout.nav.licence': 'ライセンス',
  'layout.nav.environments': '環境',
  'layout.nav.hygiene': 'ライセンス点検',
  'layout.nav.retention': '保持ポリシー',
  'layout.nav.tokens': 'アクセストークン',
  'layout.nav.extension': 'ブラウザー拡張機能',
  'layout.nav.audit': '監査ログ',
  'layout.nav.exams': '試験',
  'layout.nav.certificates': '修了証',
  'layout.nav.outbox': '送信メール',
  'layout.nav.myCertifications': 'マイページ',
  'layout.nav.history': '受験履歴',
  'layout.nav.api': 'API',
  'layout.signOut': 'サインアウト',
  'layout.language': '言語',
  // ---- 退会（issue 22、ルール 26a）：本人による退会、データのダウンロード、消去、集計 ----
  'accounts.leave.my.title': 'データとアカウント',
  'accounts.leave.my.download':
    'お預かりしているあなたのデータをすべてダウンロードできます（アカウント、サインイン履歴、解答と結果を含む受験記録、修了証、お送りしたメール）。',
  'accounts.leave.data.json': 'データをダウンロード（JSON ファイル 1 つ）',
  'accounts.leave.data.zip': '修了証も含めてダウンロード（ZIP：JSON ファイル、PDF、署名付きデジタル証明）',
  'accounts.leave.my.close': '退会する',
  'accounts.leave.close.title': '退会する',
  'accounts.leave.close.whatHappens': '退会するとどうなりますか',
  'accounts.leave.close.noSignIn': 'サインインできなくなります。退会後にアカウントを元に戻すことはできません。',
  'accounts.leave.close.certificates':
    '修了証は引き続き有効です。リンクをお持ちの方は、どなたでも引き続き真正性を確認できます。',
  'accounts.leave.close.results': '試験結果は、組織の記録として組織の保存規則に従って保管されます。',
  'accounts.leave.close.attempt': '受験中の試験がある場合は、それまでに保存された解答で先に提出されます。',
  'accounts.leave.close.erasure':
    'メールアドレス、氏名、パスワード、サインイン履歴は {date} に消去されます（退会から {days, number} 日後）。',
  'accounts.leave.close.mail': '確認のメールを {email} にお送りします。',
  'accounts.leave.close.downloadFirst': '退会の前に、データをダウンロードしておくことができます。',
  'accounts.leave.close.confirm': 'パスワードで確認',
  'accounts.leave.close.password': 'パスワード',
  'accounts.leave.close.passwordHint': 'サインインに使っているパスワードを入力してください。',
  'accounts.leave.close.button': '退会する（元に戻せません）',
  'accounts.leave.close.keep': '退会せずに戻る',
  'accounts.leave.close.passwordMissing': '確認のため、パスワードを入力してください。',
  'accounts.leave.close.wrongPassword': 'パスワードが正しくありません。アカウントは変更されていません。',
  'accounts.leave.close.tooMany':
    'パスワードの誤りが続いたため、受け付けを一時停止しています。{seconds, number} 秒後にもう一度お試しください。',
  'accounts.leave.close.staff':
    'スタッフのアカウントはご自身では退会できません。無効化または消去を管理者に依頼してください。',
  'accounts.leave.close.notPossible':
    '退会の手続きを完了できませんでした。ページを再読み込みして、もう一度お試しください。',
  'accounts.leave.closed.title': '退会が完了しました',
  'accounts.leave.closed.done': '{at} に退会しました。サインアウト済みです。',
  'accounts.leave.closed.next':
    '{attempts, plural, =0 {} other {受験中だった試験 # 件を先に提出しました。}}確認のメールをお送りしました。個人データは {date} に消去されます。修了証は引き続き確認できます。',
  'accounts.leave.closed.start': 'トップページへ戻る',
  'accounts.leave.mail.subject': 'Seatkeeper の退会手続きが完了しました',
  'accounts.leave.mail.body':
    '{name} 様\n\nご依頼により、{closedAt} にアカウントの退会手続きを行いました。今後はサインインできず、アカウントを元に戻すこともできません。\n\n修了証は引き続き有効です。リンクをお持ちの方は、どなたでも引き続き確認できます。試験結果は、組織の記録として組織の保存規則に従って保管されます。メールアドレス、氏名、パスワード、サインイン履歴は {erasureOn} に消去されます。\n\nお心当たりのない場合は、至急 Seatkeeper を運営する組織までご連絡ください。\n',
  'accounts.leave.signIn.closed':
    'このアカウントは退会済みのため、サインインできません。修了証は引き続き確認できます。再度受験する場合は、退会したアカウントが消去された後に改めて登録してください。',
  'people.leave.title': '退会と消去',
  'people.leave.closedBadge': '本人が退会',
  'people.leave.closedOn':
    '{at} に本人が退会しました。サインインは拒否され、再有効化はできません。無効化されたアカウントとして扱われます（ルール 26a）。',
  'people.leave.erasedBadge': '消去済み',
  'people.leave.erasedOn': '{at} に個人データを消去しました。',
  'people.leave.erasedKept':
    '残っているのは、アカウント ID、ロールと日付、試験統計のための受験記録、印字・署名された修了証です。修了証は引き続き確認できます。このアカウントはどの集計にも含まれず、他のアカウントとも結び付けられません（ルール 26a）。',
  'people.leave.erasureDue': '個人データは退会から {days, number} 日後の {date} に消去されます（組織の消去ポリシー）。',
  'people.leave.certificates': '修了証（引き続き確認できます）',
  'people.leave.eraseTitle': '個人データを今すぐ消去',
  'people.leave.eraseExplain':
    'メールアドレス、氏名、パスワード、サインイン履歴、セッション、トークンとリンク、監査ログと送信メールに含まれるこの方のアドレスを消去します。アカウントはすべての集計から外れます。修了証は引き続き確認できます。この操作は元に戻せません。',
  'people.leave.eraseConfirm': '元に戻せないことを理解しました。',
  'people.leave.eraseButton': '個人データを消去',
  'people.leave.eraseUnconfirmed': '確認のチェックボックスをオンにしてください。何も消去されていません。',
  'people.leave.erasedNow': '個人データを消去しました。',
  'people.leave.erasedTitle': '消去済みのアカウント',
  'people.leave.details': '残っている情報',
  'people.leave.accountId': 'アカウント ID',
  'people.leave.role': 'ロール',
  'people.leave.created': '作成日時',
  'people.leave.counted': 'ライセンス集計',
  'people.leave.notCounted':
    '対象外です。消去済みのアカウントはどの集計にも含まれず、他のアカウントとも結び付けられません（ルール 26a）。',
  'people.leave.backToErased': '消去済みのアカウント一覧',
  'people.leave.summary':
    '今月：本人による退会 {closed, number} 件、空いたライセンス枠 {freed, number} 件、消去 {erased, number} 件。消去待ち {awaiting, number} 件。',
  'people.leave.showClosed': '退会したアカウントを表示',
  'people.leave.showErased': '消去済みのアカウントを表示',
  'people.leave.statusClosed': '本人が退会',
  'people.leave.statusErased': '消去済み',
  'people.leave.erasedListTitle': '消去済みのアカウント',
  'people.leave.erasedListHint':
    '消去済みのアカウントは個人データを持たず、どの集計にも含まれません。残っているのは ID、ロール、日付のみです。',
  'people.leave.erasedListEmpty': '消去されたアカウントはありません。',
  'people.leave.erasedAtColumn': '消去日時',
  'people.leave.howColumn': '経緯',
  'people.leave.howClosed': '本人が退会した後に消去',
  'people.leave.howAdmin': '管理者が消去',
  'people.leave.pages': 'ページ',
  'people.leave.firstPage': '最初のページ',
  'people.leave.nextPage': '次へ',
  'people.leave.allUsers': 'すべてのユーザー',
  'licensing.leaving.title': '退会したユーザー',
  'licensing.leaving.rule':
    '本人が退会したアカウントは、その時点から無効化されたアカウントとして扱われます。消去済みのアカウントはどの集計にも含まれず、他のアカウントとも結び付けられません（ルール 26a）。',
  'licensing.leaving.thisMonth':
    '今月：本人による退会 {closed, number} 件、空いたライセンス枠 {freed, number} 件、消去 {erased, number} 件。',
  'licensing.leaving.awaiting':
    '{awaiting, plural, =0 {消去待ちの退会アカウントはありません。} other {消去待ちの退会アカウントが # 件あります。}}',
  'licensing.leaving.history': '月別の推移',
  'licensing.leaving.month': '月',
  'licensing.leaving.closed': '本人による退会',
  'licensing.leaving.freed': '空いたライセンス枠',
  'licensing.leaving.erased': '消去',
  'licensing.leaving.showClosed': '退会したアカウントを表示',
  'licensing.leaving.showErased': '消去済みのアカウントを表示',
  'licensing.leaving.policy': '消去ポリシー',
  'licensing.leaving.policyNow':
    '{days, plural, =0 {退会したアカウントの個人データは、退会後最初の日次処理で消去されます。} other {退会したアカウントの個人データは、退会から # 日後の日次処理で消去されます。}}',
  'licensing.leaving.days': '退会から消去までの日数',
  'licensing.leaving.save': '消去ポリシーを保存',
  'licensing.leaving.saved': '消去ポリシーを保存しました。',
  'licensing.leaving.invalid': '0 から {max, number} までの整数で日数を入力してください。',
  'licensing.leaving.byThePerson': '本人（退会済み。サインインは拒否され、再有効化はできません）',
};

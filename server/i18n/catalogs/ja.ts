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
};

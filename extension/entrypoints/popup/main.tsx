import { render } from 'preact';
import { localisePage } from '../../i18n.ts';
import { PopupPage } from '../../ui/popup.tsx';
import '../../ui/ui.css';

localisePage(document, 'extName');
render(<PopupPage />, document.getElementById('app') as HTMLElement);

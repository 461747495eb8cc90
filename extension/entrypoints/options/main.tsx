import { render } from 'preact';
import { localisePage } from '../../i18n.ts';
import { OptionsPage } from '../../ui/options.tsx';
import '../../ui/ui.css';

localisePage(document, 'optionsTitle');
render(<OptionsPage />, document.getElementById('app') as HTMLElement);

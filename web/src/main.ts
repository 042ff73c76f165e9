import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { currentLocale, i18n } from './i18n/index';
import { setRequestLanguage } from './api/client';

// The API answers error messages in the language of the UI.
setRequestLanguage(currentLocale);
document.documentElement.lang = currentLocale();

createApp(App).use(createPinia()).use(i18n).mount('#app');
